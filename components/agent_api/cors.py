"""CORS for the API: preflights answered by API Gateway, error responses labelled too.

A preflight never reaches Lambda: a MOCK integration echoes the request's Origin only when
it is one of the allowed origins. Gateway error responses (401 from the authorizer,
throttling) carry the site's origin, so the browser shows the real status, not a CORS error.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi

from handlers.core.contracts.routes import CORS_ALLOWED_HEADERS, CORS_MAX_AGE_SECONDS


def preflight_template(origins: Sequence[str]) -> str:
    """The VTL integration-response template that allows exactly `origins`."""
    allowed = json.dumps(list(origins))
    return "\n".join(
        [
            '#set($origin = $input.params().header.get("Origin"))',
            '#if("$!origin" == "")#set($origin = $input.params().header.get("origin"))#end',
            f"#set($allowed = {allowed})",
            "#if($allowed.contains($origin))",
            "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
            "#end",
        ]
    )


def preflight_headers(methods: Sequence[str]) -> dict[str, str]:
    """Static preflight headers, as integration-response parameter values (quoted literals)."""
    return {
        "method.response.header.Access-Control-Allow-Methods": f"'{','.join([*methods, 'OPTIONS'])}'",
        "method.response.header.Access-Control-Allow-Headers": f"'{CORS_ALLOWED_HEADERS}'",
        "method.response.header.Access-Control-Max-Age": f"'{CORS_MAX_AGE_SECONDS}'",
        "method.response.header.Vary": "'Origin'",
    }


def gateway_response_headers(site_origin: pulumi.Input[str]) -> pulumi.Output[dict[str, str]]:
    return pulumi.Output.from_input(site_origin).apply(
        lambda origin: {
            "gatewayresponse.header.Access-Control-Allow-Origin": f"'{origin}'",
            "gatewayresponse.header.Access-Control-Allow-Headers": f"'{CORS_ALLOWED_HEADERS}'",
            "gatewayresponse.header.Vary": "'Origin'",
        }
    )
