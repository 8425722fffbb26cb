"""API Gateway REST proxy events for the agent's routes, as the Cognito authorizer leaves them."""

from __future__ import annotations

import json
import re
from typing import Any

ORIGIN = "https://app.example.com"

_ROUTES = (
    (re.compile(r"^/conversations$"), "/conversations"),
    (re.compile(r"^/conversations/([^/]+)$"), "/conversations/{conversationId}"),
    (re.compile(r"^/conversations/([^/]+)/messages$"), "/conversations/{conversationId}/messages"),
)


def agent_event(
    method: str,
    path: str,
    *,
    user: str | None,
    body: Any = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    resource, path_parameters = path, None
    for pattern, template in _ROUTES:
        match = pattern.match(path)
        if match:
            resource = template
            path_parameters = {"conversationId": match.group(1)} if match.groups() else None
            break
    headers = {"Content-Type": "application/json", "Host": "api.example.com", "Origin": ORIGIN}
    authorizer: dict[str, Any] = {"claims": {"sub": user}} if user is not None else {}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": (
            {name: [value] for name, value in query.items()} if query else None
        ),
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "test-request",
            "authorizer": authorizer,
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": None if body is None else body if isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
    }
