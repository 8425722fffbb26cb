"""moto's server, with DynamoDB requests taken one at a time.

moto's DynamoDB is not safe under concurrent requests: a transaction deep-copies the whole
table first and, when any of its conditions fails, puts that copy back — losing every write
other requests made meanwhile (`tests/local/test_moto_server.py` shows it). A real table is
atomic per item and per transaction; one DynamoDB request at a time gives the local stack
the same guarantee.
Other services (S3, SQS, Cognito) keep moto's threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

WsgiApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def serialize_dynamodb(app: WsgiApp) -> WsgiApp:
    lock = threading.Lock()

    def serialized(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith("DynamoDB_"):
            return app(environ, start_response)
        with lock:
            # The whole body is produced under the lock (moto's bodies are small).
            return list(app(environ, start_response))

    return serialized


class MotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = serialize_dynamodb(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()
