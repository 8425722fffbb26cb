"""The API Gateway stage, locally: CORS preflight, the Cognito authorizer, the proxy integration.

Behaves like the deployed REST API: an unknown resource or method is a 403
(MISSING_AUTHENTICATION_TOKEN), a missing or bad token a 401 (UNAUTHORIZED), a body over
API Gateway's 10 MB a 413, a function that raises or returns something that is not a proxy
result a 502 — each in the API's error shape with CORS headers, as the deploy's gateway
responses (`handlers.core.http.gateway_errors`) answer. The function's own response passes
through untouched.
"""

from __future__ import annotations

import sys
import traceback

from handlers.core.contracts.routes import CORS_ALLOWED_HEADERS, CORS_MAX_AGE_SECONDS
from local.authorizer import CognitoAuthorizer
from local.functions import FunctionUnavailableError, LocalFunctions
from local.gateway_response import MAX_REQUEST_BYTES, gateway_error
from local.http_types import HttpRequest, HttpResponse
from local.proxy_event import bad_gateway, proxy_event, proxy_response
from local.routes import match_route


class ApiGateway:
    def __init__(
        self,
        functions: LocalFunctions,
        authorizer: CognitoAuthorizer,
        allowed_origins: tuple[str, ...],
    ) -> None:
        self._functions = functions
        self._authorizer = authorizer
        self._allowed_origins = frozenset(allowed_origins)

    def handle(self, request: HttpRequest, stage_path: str) -> HttpResponse:
        """Answer a request whose path below the stage (`/api`) is `stage_path`."""
        cors = self.cors_headers(request)
        match = match_route(stage_path)
        if match is None or request.method not in (*match.route.methods, "OPTIONS"):
            # What API Gateway answers for a resource or a method it does not have.
            return gateway_error("MISSING_AUTHENTICATION_TOKEN", cors)
        if request.method == "OPTIONS":
            return HttpResponse(
                status=204,
                headers=[
                    *cors,
                    ("Access-Control-Allow-Methods", ",".join((*match.route.methods, "OPTIONS"))),
                    ("Access-Control-Allow-Headers", CORS_ALLOWED_HEADERS),
                    ("Access-Control-Max-Age", str(CORS_MAX_AGE_SECONDS)),
                ],
            )
        claims = (
            {} if match.route.public else self._authorizer.claims(request.header("Authorization"))
        )
        if claims is None:
            return gateway_error("UNAUTHORIZED", cors)
        if len(request.body) > MAX_REQUEST_BYTES:
            return gateway_error("REQUEST_TOO_LARGE", cors)
        event = proxy_event(request, match.route.path, stage_path, match.path_parameters, claims)
        try:
            result = self._functions.invoke(match.route.function, event)
        except FunctionUnavailableError as exc:
            print(f"[gateway] {request.method} {stage_path}: {exc}", file=sys.stderr)
            return bad_gateway(cors)
        except Exception:
            # Lambda reports an unhandled error in the function's log; API Gateway says 502.
            traceback.print_exc()
            return bad_gateway(cors)
        return proxy_response(result, cors)

    def cors_headers(self, request: HttpRequest) -> list[tuple[str, str]]:
        origin = request.header("Origin")
        if origin is None or origin not in self._allowed_origins:
            return []
        return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
