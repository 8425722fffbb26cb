"""Refuse query parameters a route does not take (400), instead of ignoring them.

Every bad request is a 4xx: a misspelt `limt=5` silently answering the default page would
hide a client's mistake, and a fuzzer's invalid request must not be a 200. The route's own
typed parameters (its Powertools dependant, the same that the OpenAPI document lists) say
what is known.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from handlers.core.http.errors import InvalidRequestError

_MAX_NAMED = 3
_MAX_NAME_CHARS = 40


def reject_unknown_query_parameters(
    app: ApiGatewayResolver, next_middleware: NextMiddleware
) -> Response[Any]:
    route = app.context.get("_route")
    if route is not None:
        known = {param.alias for param in route.dependant.query_params}
        event = app.current_event
        given = set(event.query_string_parameters or {}) | set(
            event.multi_value_query_string_parameters or {}
        )
        unknown = sorted(given - known)
        if unknown:
            named = ", ".join(repr(name[:_MAX_NAME_CHARS]) for name in unknown[:_MAX_NAMED])
            raise InvalidRequestError(
                f"Unknown query parameter {named}.", code="unknown_query_parameter"
            )
    return next_middleware(app)
