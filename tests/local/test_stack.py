"""`LocalStack` from code (what `python -m local` runs): start, serve, stop, clean up."""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.request

import pytest

from local.stack import LocalStack

pytestmark = pytest.mark.enable_socket


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:  # noqa: S310 (127.0.0.1)
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_stack_serves_on_a_free_port_and_leaves_nothing_behind(tmp_path, monkeypatch):
    # Given no AWS endpoint in the environment
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)

    # When a stack runs on any free port
    with LocalStack(port=0, site_dir=tmp_path, log_requests=False) as info:
        status, body = _get(f"{info.url}/config.json")
        unauthorized, _ = _get(f"{info.api_url}/documents")
        endpoint_while_running = os.environ.get("AWS_ENDPOINT_URL")

    # Then it served its config and guarded its API, with boto3 pointed at moto meanwhile
    assert status == 200
    assert json.loads(body)["userPoolId"] == info.user_pool_id
    assert unauthorized == 401
    assert endpoint_while_running == info.moto_endpoint
    assert info.provider == "offline"
    assert not info.site_built
    # And afterwards the environment is as it was and the port is free again
    assert "AWS_ENDPOINT_URL" not in os.environ
    port = int(info.url.rsplit(":", 1)[1])
    with socket.socket() as probe:
        # (as a restarted stack binds it: closed connections may linger in TIME_WAIT)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
