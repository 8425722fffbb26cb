"""The stack's one HTTP server (stdlib, a thread per connection) in front of `LocalApp`."""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from handlers.core.http.error_responses import error_body
from local.app import LocalApp
from local.http_types import HttpRequest, HttpResponse


class LocalHttpServer:
    def __init__(self, host: str, port: int, log_requests: bool = True) -> None:
        self._server = ThreadingHTTPServer((host, port), _RequestHandler)
        self._server.daemon_threads = True
        self._server.app = None  # type: ignore[attr-defined]
        self._server.log_requests = log_requests  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def serve(self, app: LocalApp) -> None:
        self._server.app = app  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="local-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket; calling it again does nothing."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DocAgentLocal"
    # Headers and body go out in two writes: with Nagle's algorithm and the client's
    # delayed ACK every response would wait ~40 ms for nothing.
    disable_nagle_algorithm = True

    def _dispatch(self) -> None:
        started = time.monotonic()
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = HttpRequest(
            method=self.command,
            path=unquote(url.path),
            query=url.query,
            headers=tuple(self.headers.items()),
            body=self.rfile.read(length) if length else b"",
            source_ip=self.client_address[0],
        )
        app: LocalApp = self.server.app  # type: ignore[attr-defined]
        try:
            response = app.handle(request)
        except Exception as exc:
            print(f"[local] {self.command} {url.path} failed: {exc!r}", file=sys.stderr)
            response = HttpResponse.json(
                500, error_body("internal_error", "The local stack failed to answer.")
            )
        self._write(response)
        if self.server.log_requests:  # type: ignore[attr-defined]
            elapsed_ms = (time.monotonic() - started) * 1000
            print(f"[http] {self.command} {url.path} {response.status} {elapsed_ms:.0f} ms")

    def _write(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the stdlib's per-request line; `_dispatch` prints a shorter one."""

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch
