"""The in-process functions: one event at a time each, and the REST functions never at once
(Powertools keeps the current request on a class attribute every resolver shares)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

from local.functions import LocalFunctions


class OverlapRecorder:
    """Handlers that note how many of them run at once."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def handler(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self._lock:
            self.running -= 1
        return {"statusCode": 200}


def run_concurrently(functions: LocalFunctions, names: list[str]) -> None:
    threads = [threading.Thread(target=functions.invoke, args=(name, {})) for name in names * 5]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.parametrize("names", [["api", "agent"], ["agent", "agent"], ["api", "api"]])
def test_rest_functions_never_run_at_once(names: list[str]) -> None:
    recorder = OverlapRecorder()
    functions = LocalFunctions("us-east-1")
    functions._handlers = {"api": recorder.handler, "agent": recorder.handler}

    run_concurrently(functions, names)

    assert recorder.most == 1


def test_ingest_runs_beside_a_rest_function() -> None:
    recorder = OverlapRecorder()
    functions = LocalFunctions("us-east-1")
    functions._handlers = {"api": recorder.handler, "ingest": recorder.handler}

    run_concurrently(functions, ["api", "ingest"])

    assert recorder.most == 2


def test_why_powertools_resolvers_must_not_overlap(monkeypatch: pytest.MonkeyPatch) -> None:
    # `resolve()` stores its event on BaseRouter, the class: every resolver reads that one.
    # (If Powertools ever keeps it per resolver, this fails and the shared lock can go.)
    from handlers import agent, api

    monkeypatch.setattr(BaseRouter, "current_event", "the api's request", raising=False)

    assert api.app.current_event == "the api's request"
    assert agent.app.current_event == "the api's request"
