"""One JSON error shape across every route: `{"error": {"code", "message"}}`.

`register_error_handlers(app)` maps the use cases' `AppError`s, Powertools' request
validation and not-found errors, and anything unexpected (a 500 that reveals nothing) to
that shape. The `api` and `agent` functions both call it, so their errors look the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, ConfigDict

from handlers.core.http.errors import AppError

_SERVICE_ERROR_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    500: "internal_error",
}
_MAX_VALIDATION_DETAILS = 5
UNSUPPORTED_CONTENT_TYPE_MESSAGE = "Send the body as JSON (Content-Type: application/json)."


class ErrorDetail(BaseModel):
    # Only the OpenAPI document reads these two: no schema is built at import.
    model_config = ConfigDict(defer_build=True)

    code: str
    message: str


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx answer."""

    model_config = ConfigDict(defer_build=True)

    error: ErrorDetail


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(error_body(code, message)),
        headers=dict(headers or {}),
    )


def error_proxy_response(status: int, code: str, message: str) -> dict[str, Any]:
    """The same shape as a raw API Gateway proxy result, for answers outside the resolver."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": json.dumps(error_body(code, message)),
        "isBase64Encoded": False,
    }


# RFC 9110's names, spelled here: `HTTPStatus.phrase` differs across Pythons (3.13 renamed
# 413), and the OpenAPI document must not depend on which one generated it.
ERROR_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def error_responses(*statuses: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI `responses` entries documenting the error shape for these statuses."""
    return {
        status: {
            "description": ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"model": ErrorResponse}},
        }
        for status in statuses
    }


def route_responses(
    status: int, description: str, *error_statuses: int, empty: bool = False
) -> dict[int, OpenAPIResponse]:
    """OpenAPI `responses` for a route: its success (schema from the return type, or no
    body when `empty`) and the error shape for each error status.

    Powertools documents only the listed statuses once `responses` is given, so the
    success one must be listed too.
    """
    success: OpenAPIResponse = {"description": description}
    if empty:
        success["content"] = {}
    return {status: success, **error_responses(*error_statuses)}


def validation_message(errors: Sequence[Any]) -> str:
    """A readable summary of pydantic errors: field path and reason, never the input."""
    parts: list[str] = []
    for error in list(errors)[:_MAX_VALIDATION_DETAILS]:
        if error.get("type") == "json_invalid":
            parts.append("the body is not valid JSON")
            continue
        loc = [str(item) for item in error.get("loc", ()) if item not in ("body", "query", "path")]
        where = ".".join(loc) or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid value')}")
    return "Invalid request. " + "; ".join(parts) if parts else "Invalid request."


def register_error_handlers(app: ApiGatewayResolver, logger: Logger) -> None:
    def app_error(exc: AppError) -> Response[Any]:
        logger.info("request refused", status=exc.status, code=exc.code)
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    def validation_error(exc: RequestValidationError) -> Response[Any]:
        return error_response(400, "invalid_request", validation_message(exc.errors()))

    def unsupported_content_type(exc: RequestUnsupportedContentType) -> Response[Any]:
        # `rest_invocation` refuses these before routing; this is the resolver's own check.
        return error_response(415, "unsupported_content_type", UNSUPPORTED_CONTENT_TYPE_MESSAGE)

    def service_error(exc: ServiceError) -> Response[Any]:
        code = _SERVICE_ERROR_CODES.get(exc.status_code, "error")
        message = "Not found." if exc.status_code == 404 else str(exc.msg or code)
        return error_response(exc.status_code, code, message)

    def unexpected(exc: Exception) -> Response[Any]:
        logger.exception("unhandled error", error_type=type(exc).__name__)
        return error_response(500, "internal_error", "Something went wrong on our side.")

    # The most specific class wins, so `Exception` only catches what nothing else does.
    app.exception_handler(AppError)(app_error)
    app.exception_handler(RequestValidationError)(validation_error)
    app.exception_handler(RequestUnsupportedContentType)(unsupported_content_type)
    app.exception_handler(ServiceError)(service_error)
    app.exception_handler(Exception)(unexpected)
