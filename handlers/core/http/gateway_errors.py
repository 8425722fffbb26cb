"""The answers API Gateway gives itself (no function runs), in the API's one error shape.

Without templates the gateway answers `{"message": "Unauthorized"}`, which is not the
`{"error": {"code", "message"}}` every handler answers with. Each entry here becomes a
gateway response with a JSON template (`components/agent_api/gateway_responses.py`) and is
what the local stack's gateway answers (`local/gateway.py`), so both say the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from handlers.core.http.error_responses import error_body


@dataclass(frozen=True)
class GatewayError:
    response_type: str
    """API Gateway's gateway response type."""
    status: int
    code: str
    message: str


# DEFAULT_* cover every other type (e.g. a 504 integration timeout, a 400 from the request
# validator); the named ones get a code a client can act on.
GATEWAY_ERRORS: tuple[GatewayError, ...] = (
    GatewayError("DEFAULT_4XX", 400, "bad_request", "The request was refused."),
    GatewayError("DEFAULT_5XX", 502, "gateway_error", "The service failed to answer."),
    GatewayError("UNAUTHORIZED", 401, "unauthorized", "Sign in to use this API."),
    GatewayError("EXPIRED_TOKEN", 403, "forbidden", "The token has expired: sign in again."),
    GatewayError("ACCESS_DENIED", 403, "forbidden", "Access denied."),
    GatewayError("WAF_FILTERED", 403, "forbidden", "The request was blocked."),
    # What API Gateway answers for a path or method it does not have.
    GatewayError("MISSING_AUTHENTICATION_TOKEN", 403, "unknown_route", "No such route or method."),
    GatewayError("REQUEST_TOO_LARGE", 413, "too_large", "The request body is too large."),
    GatewayError("THROTTLED", 429, "throttled", "Too many requests: slow down and retry."),
    GatewayError("QUOTA_EXCEEDED", 429, "throttled", "Too many requests: slow down and retry."),
    GatewayError("INTEGRATION_FAILURE", 502, "gateway_error", "The service failed to answer."),
    GatewayError("INTEGRATION_TIMEOUT", 504, "timeout", "The service took too long to answer."),
)
BY_TYPE = {error.response_type: error for error in GATEWAY_ERRORS}

GATEWAY_STATUSES: tuple[int, ...] = tuple(sorted({error.status for error in GATEWAY_ERRORS}))
"""Statuses the gateway itself may answer on any route (documented on every operation)."""


def gateway_error_body(response_type: str) -> dict[str, object]:
    error = BY_TYPE[response_type]
    return error_body(error.code, error.message)


def gateway_error_template(response_type: str) -> str:
    """The response template (VTL; plain JSON needs no escaping) for one gateway response."""
    return json.dumps(gateway_error_body(response_type), separators=(",", ":"))
