"""The model's time budget: what a Lambda invocation has left, less what storing needs."""

from __future__ import annotations

from handlers.core.llm.deadline import RESERVED_SECONDS, Deadline


def test_a_deadline_counts_down_from_the_remaining_time_less_the_reserve() -> None:
    now = [100.0]
    deadline = Deadline(10.0, clock=lambda: now[0])
    assert deadline.remaining() == 10.0
    now[0] += 4
    assert deadline.remaining() == 6.0
    now[0] += 60
    assert deadline.remaining() == 0.0


def test_from_the_lambda_context_keeps_time_to_store_the_answer() -> None:
    deadline = Deadline.from_remaining_millis(29_000)
    assert 29 - RESERVED_SECONDS - 0.5 < deadline.remaining() <= 29 - RESERVED_SECONDS
