"""The OpenAPI document of the whole API, generated from the routes' type hints.

Each function's resolver (`api`, `agent`) describes its own routes; `openapi_document`
merges them into one document, removes what Powertools adds but the API never answers
(422: validation errors are 400 with the common error shape), documents on every
operation the errors API Gateway answers itself (`handlers.core.http.gateway_errors`) and the
415 of a body that is not JSON, and declares the Cognito
authorizer every route sits behind. `scripts/openapi.py` writes it to `docs/openapi.json`
and a test fails when the committed file is stale.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver

from handlers.core.http.error_responses import ERROR_DESCRIPTIONS
from handlers.core.http.gateway_errors import GATEWAY_STATUSES

TITLE = "Doc Agent API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Upload documents and ask questions about them. Every route but `/health` needs"
    ' `Authorization: <Cognito id token>`; errors are `{"error": {"code", "message"}}`.'
)
SECURITY_SCHEME = "cognito"
_UNUSED_SCHEMAS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")
_ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorResponse"}
# Besides its own: what API Gateway answers itself on any route, and a function's 500.
_EVERY_OPERATION_STATUSES = (*GATEWAY_STATUSES, 500)
# A body in another media type is refused before routing (handlers.core.http.request_body).
_BODY_STATUSES = (415,)


class OpenApiMergeError(ValueError):
    """Two resolvers define the same operation or different schemas under one name."""


def openapi_document(resolvers: Sequence[ApiGatewayResolver]) -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/api", "description": "The API Gateway stage"}],
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "The Cognito id token (API Gateway's Cognito authorizer).",
                }
            },
        },
        "security": [{SECURITY_SCHEME: []}],
    }
    for resolver in resolvers:
        schema = json.loads(resolver.get_openapi_json_schema(title=TITLE, version=VERSION))
        _merge_paths(merged["paths"], schema.get("paths", {}))
        _merge_schemas(
            merged["components"]["schemas"], schema.get("components", {}).get("schemas", {})
        )
    for name in _UNUSED_SCHEMAS:
        merged["components"]["schemas"].pop(name, None)
    _mark_public_routes(merged["paths"])
    return merged


def _mark_public_routes(paths: dict[str, Any]) -> None:
    """`security: []` on the operations API Gateway serves without the authorizer."""
    from handlers.core.contracts.routes import ROUTES

    for route in ROUTES:
        if route.public:
            for method in route.methods:
                operation = paths.get(route.path, {}).get(method.lower())
                if operation is not None:
                    operation["security"] = []


def render(document: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, a final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _merge_paths(target: dict[str, Any], paths: dict[str, Any]) -> None:
    for path, operations in paths.items():
        existing = target.setdefault(path, {})
        for method, operation in operations.items():
            if method in existing:
                raise OpenApiMergeError(f"{method.upper()} {path} is defined twice")
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            _document_common_errors(responses, has_body="requestBody" in operation)
            existing[method] = operation


def _document_common_errors(responses: dict[str, Any], *, has_body: bool) -> None:
    statuses = (*_EVERY_OPERATION_STATUSES, *(_BODY_STATUSES if has_body else ()))
    for status in statuses:
        responses.setdefault(
            str(status),
            {
                "description": ERROR_DESCRIPTIONS[status],
                "content": {"application/json": {"schema": _ERROR_SCHEMA}},
            },
        )


def _merge_schemas(target: dict[str, Any], schemas: dict[str, Any]) -> None:
    for name, schema in schemas.items():
        if name in target and target[name] != schema:
            raise OpenApiMergeError(f"schema {name} differs between functions")
        target[name] = schema
