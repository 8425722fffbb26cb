"""One API Gateway invocation of a REST function (api, agent), the same for both.

The caller must be verified before anything else is said (but on a public route, which
API Gateway serves without the authorizer: `GET /health`); a body the API cannot read is
refused (415/400) before routing; metrics recorded during the
invocation are published at its end; CORS headers are added for allowed origins only,
errors included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.core.contracts.routes import is_public
from handlers.core.http.auth import find_user_id
from handlers.core.http.cors import add_cors_headers
from handlers.core.http.error_responses import error_proxy_response
from handlers.core.http.request_body import check_request_body
from handlers.core.runtime.invocation_metrics import begin_invocation, publish_metrics


def handle_rest_invocation(
    app: APIGatewayRestResolver,
    event: dict[str, Any],
    context: LambdaContext,
    allowed_origins: Sequence[str],
) -> dict[str, Any]:
    begin_invocation()
    public = is_public(event.get("resource"), event.get("httpMethod"))
    if not public and find_user_id(event) is None:
        # Before routing and validation: without a verified caller nothing else is said.
        response = error_proxy_response(401, "unauthorized", "Sign in to use this API.")
    elif (refused := check_request_body(event)) is not None:
        response = refused
    else:
        try:
            response = app.resolve(event, context)
        finally:
            publish_metrics()
    return add_cors_headers(response, event, allowed_origins)
