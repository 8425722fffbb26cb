"""An HTTP request as API Gateway's REST proxy integration hands it to Lambda (format 1.0),
and the function's proxy result back as an HTTP response."""

from __future__ import annotations

import base64
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from handlers.core.contracts.routes import STAGE_NAME
from local.gateway_response import gateway_error
from local.http_types import HttpRequest, HttpResponse

ACCOUNT_ID = "123456789012"
API_ID = "local"
_TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded")


def proxy_event(
    request: HttpRequest,
    resource: str,
    stage_path: str,
    path_parameters: dict[str, str],
    claims: dict[str, str],
) -> dict[str, Any]:
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in parse_qsl(request.query, keep_blank_values=True):
        query[name] = value
        multi_query.setdefault(name, []).append(value)
    body, is_base64 = _event_body(request)
    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    return {
        "resource": resource,
        "path": stage_path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "body": body,
        "isBase64Encoded": is_base64,
        "requestContext": {
            "resourceId": API_ID,
            "resourcePath": resource,
            "httpMethod": request.method,
            "extendedRequestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(time.time() * 1000),
            "path": f"/{STAGE_NAME}{stage_path}",
            "accountId": ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": STAGE_NAME,
            "domainPrefix": "127",
            "domainName": request.header("Host") or "127.0.0.1",
            "requestId": request_id,
            "apiId": API_ID,
            "identity": {
                "sourceIp": request.source_ip,
                "userAgent": request.header("User-Agent"),
                "accountId": None,
                "caller": None,
                "user": None,
                "userArn": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "accessKey": None,
            },
            "authorizer": {"claims": claims},
        },
    }


def _event_body(request: HttpRequest) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    content_type = (request.header("Content-Type") or "").lower()
    if content_type.startswith(_TEXT_TYPES):
        try:
            return request.body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(request.body).decode("ascii"), True


def proxy_response(result: Any, cors: list[tuple[str, str]] | None = None) -> HttpResponse:
    """The function's return value as API Gateway turns it into a response.

    A result that is not a proxy response is a 502, as API Gateway answers it (with the
    CORS headers its gateway responses carry).
    """
    if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
        return bad_gateway(cors)
    headers: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(name, str(value)) for value in values]
        seen.add(name.lower())
    for name, value in (result.get("headers") or {}).items():
        if name.lower() not in seen:
            headers.append((name, str(value)))
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    return HttpResponse(status=result["statusCode"], headers=headers, body=body)


def bad_gateway(cors: list[tuple[str, str]] | None = None) -> HttpResponse:
    """API Gateway's 502, with the CORS headers of its DEFAULT_5XX response."""
    return gateway_error("INTEGRATION_FAILURE", cors or [])
