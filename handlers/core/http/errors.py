"""Errors the use cases raise, each with the HTTP status and code the API answers with.

Use cases raise these; `handlers.core.http.error_responses` turns any of them into the one JSON
error shape `{"error": {"code", "message"}}`. Messages are written for the user: they
are returned as they are, so they never carry stack traces, keys or other users' data.
"""

from __future__ import annotations


class AppError(Exception):
    """Base class: a failure with a status, a stable code and a user-readable message."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.headers: dict[str, str] = dict(headers or {})


class InvalidRequestError(AppError):
    status = 400
    code = "invalid_request"


class UnauthorizedError(AppError):
    status = 401
    code = "unauthorized"


class NotFoundError(AppError):
    """Also what another user's item looks like: never 403, so ids reveal nothing."""

    status = 404
    code = "not_found"


class ConflictError(AppError):
    status = 409
    code = "conflict"


class PayloadTooLargeError(AppError):
    status = 413
    code = "too_large"


class UnsupportedMediaTypeError(AppError):
    status = 415
    code = "unsupported_content_type"


class TooManyRequestsError(AppError):
    status = 429
    code = "too_many_requests"


class ServiceUnavailableError(AppError):
    status = 503
    code = "unavailable"
