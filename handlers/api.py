"""The `api` function: the documents routes (API Gateway REST proxy, Cognito authorizer).

Each route reads the caller from the verified claims, calls one use case in
`handlers.core.documents.service` and returns its typed model; Powertools validates the
request and the response against those types, and the same types generate
`docs/openapi.json`. Nothing AWS-facing is built at import time: `documents_context()`
builds it on first use and keeps it for the warm container.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

# First: Powertools' event_handler and data_classes packages load only the modules used.
import handlers.core.runtime.lean_imports  # noqa: F401  # isort: skip

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.core.contracts import metric_names
from handlers.core.documents import service
from handlers.core.documents.models import (
    CreateDocumentRequest,
    CreateDocumentResponse,
    DocumentDetails,
    DocumentPage,
)
from handlers.core.health import CachedHealth, Health, HealthClients, HealthSettings, check_health
from handlers.core.http.auth import require_user_id
from handlers.core.http.error_responses import (
    register_error_handlers,
    route_responses,
)
from handlers.core.http.page_params import DEFAULT_PAGE_LIMIT, PageCursor, PageLimit
from handlers.core.http.query_parameters import reject_unknown_query_parameters
from handlers.core.http.rest_invocation import handle_rest_invocation
from handlers.core.runtime.invocation_metrics import record_count
from handlers.core.runtime.settings import ApiSettings
from handlers.core.runtime.tracing import PATCHED_MODULES, trace_handler

logger = Logger(service="api")
tracer = Tracer(service="api", patch_modules=PATCHED_MODULES)
app = APIGatewayRestResolver(enable_validation=True)
register_error_handlers(app, logger)
app.use([reject_unknown_query_parameters])

TAGS = ["documents"]
DocumentId = Annotated[str, Path(min_length=1, max_length=64, description="The document's id.")]


@cache
def settings() -> ApiSettings:
    return ApiSettings.from_env()


@cache
def documents_context() -> service.DocumentsContext:
    import boto3
    from botocore.config import Config

    from handlers.core.documents.files import DocumentFiles
    from handlers.core.documents.table import DocumentTable

    config = settings()
    # Virtual-hosted, regional URLs (bucket.s3.<region>.amazonaws.com): the global endpoint
    # answers a new bucket outside us-east-1 with a redirect, which a browser upload
    # cannot follow. An IP endpoint (the local stack's moto) stays path-style.
    s3 = boto3.client(
        "s3",
        endpoint_url=config.public_s3_endpoint_url,
        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
    )
    table = boto3.resource("dynamodb").Table(config.table_name)
    return service.DocumentsContext(
        table=DocumentTable(table), files=DocumentFiles(s3, config.bucket_name), settings=config
    )


def _user_id() -> str:
    return require_user_id(app.current_event.raw_event)


@app.post(
    "/documents",
    status_code=201,
    operation_id="createDocument",
    tags=TAGS,
    summary="Start an upload",
    description="Creates a PENDING document and returns a presigned POST for the file.",
    responses=route_responses(201, "Created", 400, 401, 413, 415),
)
def post_document(request: CreateDocumentRequest) -> CreateDocumentResponse:
    created = service.create_document(documents_context(), _user_id(), request)
    record_count(metric_names.DOCUMENTS_UPLOADED)
    return created


@app.get(
    "/documents",
    operation_id="listDocuments",
    tags=TAGS,
    summary="List the caller's documents, newest first",
    responses=route_responses(200, "A page of documents", 400, 401),
)
def get_documents(
    limit: PageLimit = DEFAULT_PAGE_LIMIT,
    cursor: PageCursor = None,
) -> DocumentPage:
    return service.list_documents(documents_context(), _user_id(), limit=limit, cursor=cursor)


@app.get(
    "/documents/<documentId>",
    operation_id="getDocument",
    tags=TAGS,
    summary="A document's status, with a download URL when READY",
    responses=route_responses(200, "The document", 400, 401, 404),
)
def get_document(documentId: DocumentId) -> DocumentDetails:
    return service.get_document(documents_context(), _user_id(), documentId)


@app.delete(
    "/documents/<documentId>",
    operation_id="deleteDocument",
    status_code=204,
    tags=TAGS,
    summary="Delete a document: every object version, derived files and the item",
    responses=route_responses(204, "Deleted", 400, 401, 404, empty=True),
)
def delete_document(documentId: DocumentId) -> Response[None]:
    service.delete_document(documents_context(), _user_id(), documentId)
    return Response(status_code=204, content_type=None, body=None)


# --- GET /health: no authorizer (handlers.core.contracts.routes marks it public) ----------------------
@cache
def health() -> CachedHealth:
    import boto3

    health_settings = HealthSettings.from_env()
    clients = HealthClients(
        table=boto3.resource("dynamodb").Table(health_settings.table_name),
        s3=boto3.client("s3"),
        secrets=(lambda: boto3.client("secretsmanager"))
        if health_settings.openai_secret_arn
        else None,
    )
    return CachedHealth(lambda: check_health(health_settings, clients))


@app.get(
    "/health",
    operation_id="getHealth",
    tags=["health"],
    summary="Whether the API reaches its table, bucket and model secret (no sign-in)",
    description="Cached for a few seconds; 503 with the same body when a check fails.",
    responses={
        200: {"description": "Healthy", "content": {"application/json": {"model": Health}}},
        503: {"description": "A check failed", "content": {"application/json": {"model": Health}}},
    },
)
def get_health() -> Response[Health]:
    answer = health().get()
    return Response(
        status_code=200 if answer.status == "ok" else 503,
        content_type="application/json",
        body=answer,
        headers={"Cache-Control": "no-store"},
    )


# Responses carry document names and presigned URLs: the trace keeps none of them.
@trace_handler(tracer, capture_response=False)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_rest_invocation(app, event, context, settings().allowed_origins)
