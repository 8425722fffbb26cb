"""The local stack's sweeper: a timer invokes it like EventBridge does, keeps going after a
failed run, and the stack's environment carries everything the sweeper needs."""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest

from local.stack import LocalStack
from local.sweeper_timer import SweeperTimer
from tests.support.lambda_context import FakeLambdaContext


def test_the_timer_invokes_on_its_interval_and_survives_a_failed_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    events: list[dict[str, Any]] = []
    twice = threading.Event()

    def invoke(event: dict[str, Any]) -> None:
        events.append(event)
        if len(events) == 1:
            raise RuntimeError("the table is not there yet")
        twice.set()

    timer = SweeperTimer(invoke, interval_seconds=0.01)
    timer.start()
    try:
        assert twice.wait(5)
    finally:
        timer.stop()
    assert events[0]["source"] == "local.scheduler"
    assert "the scheduled sweep failed" in capsys.readouterr().err


@pytest.mark.enable_socket
def test_the_sweeper_runs_in_the_local_stack(tmp_path: Any) -> None:
    from handlers import sweeper

    with LocalStack(port=0, site_dir=tmp_path, log_requests=False):
        sweeper.sweep_context.cache_clear()
        try:
            report = sweeper.lambda_handler({}, cast(Any, FakeLambdaContext()))
        finally:
            sweeper.sweep_context.cache_clear()
    assert report["examined"] == 0
