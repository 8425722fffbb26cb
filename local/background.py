"""A daemon thread that runs until it is asked to stop: the local stand-ins for AWS's
schedulers (the SQS event-source mapping, EventBridge Scheduler) are each one of these."""

from __future__ import annotations

import threading


class BackgroundLoop:
    """`start()` runs `_run` in a daemon thread named `name`; `stop()` sets `_stopping` and
    waits for `_run` to return, which it must do soon after."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        raise NotImplementedError
