"""API Gateway's own error responses (authorizer, throttling, unknown routes, timeouts)
in the API's error shape, with CORS headers so the site can read them.

The list and the bodies come from `handlers.core.http.gateway_errors`, which the local stack's
gateway answers with too.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.agent_api import cors
from handlers.core.http.gateway_errors import GATEWAY_ERRORS, gateway_error_template


def create_gateway_responses(
    name: str,
    rest_api_id: pulumi.Input[str],
    site_origin: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> list[aws.apigateway.Response]:
    return [
        aws.apigateway.Response(
            f"{name}-{error.response_type.lower().replace('_', '-')}",
            rest_api_id=rest_api_id,
            response_type=error.response_type,
            status_code=str(error.status),
            response_parameters=cors.gateway_response_headers(site_origin),
            response_templates={"application/json": gateway_error_template(error.response_type)},
            opts=opts,
        )
        for error in GATEWAY_ERRORS
    ]


def gateway_responses_fingerprint() -> list[list[str]]:
    """What the stage's deployment must change with (type, status, template of each)."""
    return [
        [error.response_type, str(error.status), gateway_error_template(error.response_type)]
        for error in GATEWAY_ERRORS
    ]
