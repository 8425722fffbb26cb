"""API Gateway's own error answers, locally: the same shapes the deploy's templates give."""

from __future__ import annotations

from handlers.core.http.gateway_errors import BY_TYPE, gateway_error_body
from local.http_types import HttpResponse

MAX_REQUEST_BYTES = 10 * 1024 * 1024
"""API Gateway's payload limit for a REST API request (REQUEST_TOO_LARGE beyond it)."""


def gateway_error(response_type: str, cors: list[tuple[str, str]]) -> HttpResponse:
    return HttpResponse.json(BY_TYPE[response_type].status, gateway_error_body(response_type), cors)
