"""The health canary's script: CloudWatch Synthetics runs `handler` every few minutes in prod
(`components/observability/canary.py` packages this file as `python/health_canary.py`).

It checks what a user first meets: the site's page loads, and `GET /api/health` says ok.
Standard library only (the Synthetics Python runtime brings nothing we need); a raised
exception is a failed run, which the canary's alarm counts.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

TIMEOUT_SECONDS = 10


class CanaryFailure(Exception):
    """A check failed; the message is what the canary's run report shows."""


def _get(url: str) -> tuple[int, bytes]:
    if not url.startswith(("https://", "http://127.0.0.1")):
        raise CanaryFailure(f"not an HTTPS URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "doc-agent-canary"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:  # noqa: S310
            return int(reply.status), bytes(reply.read())
    except urllib.error.HTTPError as error:
        return int(error.code), bytes(error.read())
    except OSError as error:
        raise CanaryFailure(f"{url} unreachable: {error}") from error


def check_site(url: str) -> None:
    status, body = _get(url)
    if status != 200 or b"<html" not in body[:4096].lower():
        raise CanaryFailure(f"the site answered {status} without its page")


def check_health(url: str) -> dict[str, Any]:
    status, body = _get(url)
    try:
        health: dict[str, Any] = json.loads(body)
    except ValueError as error:
        raise CanaryFailure(f"health answered {status} with no JSON") from error
    if status != 200 or health.get("status") != "ok":
        raise CanaryFailure(f"health answered {status}: {health.get('checks')}")
    return health


def handler(event: Any = None, context: Any = None) -> str:
    check_site(os.environ["SITE_URL"])
    health = check_health(os.environ["HEALTH_URL"])
    return f"ok: {health.get('stack')} {health.get('version')}"
