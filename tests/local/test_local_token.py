"""`make token`: an id token for the local stack that its API accepts."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from local.stack import LocalStack
from scripts.local_token import main

pytestmark = pytest.mark.enable_socket


def _status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": token})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 (127.0.0.1)
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_printed_token_calls_the_api_and_a_wrong_password_is_refused(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with LocalStack(port=0, site_dir=tmp_path, log_requests=False, demo_library=False) as info:
        assert main(["--url", info.url, "--password", info.demo_password]) == 0
        token = capsys.readouterr().out.strip()
        assert _status(f"{info.api_url}/documents", token) == 200

        with pytest.raises(SystemExit, match="sign-in refused"):
            main(["--url", info.url, "--password", "Wrong-password-1"])

    with pytest.raises(SystemExit, match="no local stack"):
        main(["--url", info.url, "--password", "x"])
