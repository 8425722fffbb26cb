"""The canary's script (ops/canary.py, run by CloudWatch Synthetics in prod) against a local
server: it passes when the page loads and health says ok, and fails with a reason otherwise."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from ops import canary

pytestmark = pytest.mark.enable_socket

ANSWERS: dict[str, tuple[int, bytes]] = {}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, body = ANSWERS.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    monkeypatch.setenv("SITE_URL", f"{base}/")
    monkeypatch.setenv("HEALTH_URL", f"{base}/api/health")
    ANSWERS.clear()
    ANSWERS["/"] = (200, b"<!doctype html><html><title>Doc Agent</title></html>")
    health = {"status": "ok", "version": "abc", "stack": "prod", "checks": {}}
    ANSWERS["/api/health"] = (200, json.dumps(health).encode())
    yield base
    httpd.shutdown()
    httpd.server_close()


def test_a_healthy_stack_passes(server: str) -> None:
    assert canary.handler() == "ok: prod abc"


def test_a_degraded_health_fails_naming_the_checks(server: str) -> None:
    degraded = {"status": "degraded", "checks": {"table": "error"}}
    ANSWERS["/api/health"] = (503, json.dumps(degraded).encode())
    with pytest.raises(canary.CanaryFailure, match=r"health answered 503: \{'table': 'error'\}"):
        canary.handler()


def test_a_site_without_its_page_fails(server: str) -> None:
    ANSWERS["/"] = (403, b"<Error>AccessDenied</Error>")
    with pytest.raises(canary.CanaryFailure, match="the site answered 403"):
        canary.handler()


def test_plain_http_elsewhere_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_URL", "http://example.com/")
    with pytest.raises(canary.CanaryFailure, match="not an HTTPS URL"):
        canary.handler()
