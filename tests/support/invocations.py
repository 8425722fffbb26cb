"""Which function a test is invoking: set around each in-process `lambda_handler` call, so a
recorder can attribute the AWS calls made meanwhile (tests/iam) to that function's role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

CURRENT_FUNCTION: ContextVar[str | None] = ContextVar("current_function", default=None)
"""`api`, `ingest` or `agent` while its handler runs; None in fixtures and setup."""


def function_of(handler: Callable[..., Any]) -> str:
    """`handlers.agent.lambda_handler` → `agent` (the function's key in the program)."""
    return str(handler.__module__).rsplit(".", 1)[-1]


@contextmanager
def invoking(function: str) -> Iterator[None]:
    """Calls made inside the block act with `function`'s role."""
    token = CURRENT_FUNCTION.set(function)
    try:
        yield
    finally:
        CURRENT_FUNCTION.reset(token)
