"""Records every AWS API call a function's handler makes, attributed to that function.

Wraps `botocore.client.BaseClient._make_api_call`, which every client and resource call goes
through, whatever session built the client. (A `before-call` handler on boto3's default
session would miss Powertools' Secrets Manager client: it builds its own `boto3.Session()`.)
Presigned URLs are signed locally and make no call; the browser's request that uses one is
recorded by making it inside `invoking("api")` (the signer's role is the one that acts).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.client import BaseClient

from tests.support.invocations import CURRENT_FUNCTION


@dataclass(frozen=True)
class Call:
    """One API call a function made: `s3`/`GetObject` with the parameters it passed."""

    function: str
    service: str
    operation: str
    params: dict[str, Any] = field(compare=False)

    def __str__(self) -> str:
        return f"{self.function}: {self.service}.{self.operation}"


@dataclass
class CallRecorder:
    calls: list[Call] = field(default_factory=list)

    def of(self, function: str) -> list[Call]:
        return [call for call in self.calls if call.function == function]

    def operations(self, function: str) -> set[tuple[str, str]]:
        return {(call.service, call.operation) for call in self.of(function)}


@contextmanager
def recording_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[CallRecorder]:
    """Record calls made while a handler runs (see `tests.support.invocations`); calls from
    fixtures and setup, outside any handler, are not recorded."""
    recorder = CallRecorder()
    original = BaseClient._make_api_call

    def recorded(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        function = CURRENT_FUNCTION.get()
        if function is not None:
            service = self.meta.service_model.service_name
            recorder.calls.append(Call(function, service, operation_name, dict(api_params)))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recorded)
    try:
        yield recorder
    finally:
        monkeypatch.setattr(BaseClient, "_make_api_call", original)
