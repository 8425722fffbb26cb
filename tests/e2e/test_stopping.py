"""The local stack stops cleanly however it is asked to: Ctrl-C, a second Ctrl-C while it
stops, or SIGTERM (what `kill`, systemd, Docker and CI runners send)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.e2e.client import http
from tests.e2e.conftest import running_stack

INT, TERM = signal.SIGINT, signal.SIGTERM


@pytest.mark.parametrize(
    "stop_signals",
    [(TERM,), (INT, INT), (TERM,) * 200],
    # The last is what `timeout make dev` does and more: make and timeout both pass SIGTERM
    # on, and a handler interrupted by the next signal must not deadlock.
    ids=["sigterm", "ctrl-c-twice", "sigterm-burst"],
)
def test_the_stack_stops_cleanly(tmp_path: Path, stop_signals: tuple[signal.Signals, ...]) -> None:
    # (running_stack asserts exit code 0 and "Stopped." in the output once the signals are sent)
    with running_stack(tmp_path / "stack.log", stop_signals=stop_signals) as details:
        assert http("GET", f"{details['url']}/config.json").status == 200
