"""Calling a REST handler in-process: a proxy event in, the proxy response read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.events import rest_proxy_event
from tests.support.invocations import function_of, invoking
from tests.support.lambda_context import FakeLambdaContext


@dataclass
class ApiResult:
    status: int
    headers: dict[str, str]
    body: Any


CallRoute = Callable[..., ApiResult]
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def read_proxy_response(response: dict[str, Any]) -> ApiResult:
    """Status, headers (the last of each multi-value header wins) and the JSON body, if any."""
    headers = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = values[-1]
    raw = response.get("body")
    return ApiResult(
        status=response["statusCode"], headers=headers, body=json.loads(raw) if raw else None
    )


def route_caller(handler: Handler, context: FakeLambdaContext) -> CallRoute:
    """`call(method, path, *, user=, body=, query=, origin=)` through `handler`, see
    `rest_proxy_event` for the keywords."""

    function = function_of(handler)

    def call(method: str, path: str, **event: Any) -> ApiResult:
        with invoking(function):
            response = handler(rest_proxy_event(method, path, **event), context)
        return read_proxy_response(response)

    return call
