"""The `agent` function: conversations and questions (API Gateway REST proxy, Cognito).

Each route reads the caller from the verified claims, calls one use case in
`handlers.core.conversations.service` and returns its typed model; the same types
generate `docs/openapi.json`. Nothing AWS-facing is built at import time:
`agent_context()` builds it on first use and keeps it for the warm container, together
with the cache of loaded document indexes.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

# First: Powertools' event_handler and data_classes packages load only the modules used.
import handlers.core.runtime.lean_imports  # noqa: F401  # isort: skip

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.core.contracts import metric_names as names
from handlers.core.conversations import feedback, service
from handlers.core.conversations.feedback_models import FeedbackRequest
from handlers.core.conversations.models import (
    LATEST_MESSAGES,
    MAX_CONVERSATION_MESSAGES,
    AskRequest,
    Conversation,
    ConversationDetails,
    ConversationPage,
    CreateConversationRequest,
    Message,
    MessagePage,
)
from handlers.core.documents.models import DocumentPart
from handlers.core.http.auth import require_user_id
from handlers.core.http.error_responses import register_error_handlers, route_responses
from handlers.core.http.errors import AppError
from handlers.core.http.page_params import DEFAULT_PAGE_LIMIT, PageCursor, PageLimit
from handlers.core.http.query_parameters import reject_unknown_query_parameters
from handlers.core.http.rest_invocation import handle_rest_invocation
from handlers.core.llm.deadline import Deadline
from handlers.core.runtime.invocation_metrics import record_count
from handlers.core.runtime.settings import AgentSettings
from handlers.core.runtime.snapstart import prime_for_snapshot
from handlers.core.runtime.tracing import PATCHED_MODULES, trace_handler

if TYPE_CHECKING:
    from handlers.core.derived.part_reader import PartReader
    from handlers.core.derived.source import S3DocumentSource
    from handlers.core.derived.vectors import Embedder
    from handlers.core.llm.answers import Answerer
    from handlers.core.retrieval.index import HybridIndex
    from handlers.core.retrieval.reranker import Reranker

logger = Logger(service="agent")
tracer = Tracer(service="agent", patch_modules=PATCHED_MODULES)
app = APIGatewayRestResolver(enable_validation=True)
register_error_handlers(app, logger)
app.use([reject_unknown_query_parameters])

TAGS = ["conversations"]
ConversationId = Annotated[
    str, Path(min_length=1, max_length=64, description="The conversation's id.")
]
DocumentId = Annotated[str, Path(min_length=1, max_length=64, description="The document's id.")]
PartNumber = Annotated[
    int, Path(ge=1, le=1_000_000, description="1-based index of the page or section.")
]
MessageId = Annotated[str, Path(min_length=1, max_length=64, description="The message's id.")]


@cache
def settings() -> AgentSettings:
    return AgentSettings.from_env()


@cache
def _document_source() -> S3DocumentSource:
    import boto3

    from handlers.core.derived.cache import DocumentCache
    from handlers.core.derived.source import S3DocumentSource

    # Kept for the life of the warm container: loaded documents keyed by id + ETag.
    return S3DocumentSource(boto3.client("s3"), settings().bucket_name, DocumentCache())


@cache
def _part_reader() -> PartReader:
    import boto3

    from handlers.core.derived.part_reader import PartReader

    return PartReader(boto3.client("s3"), settings().bucket_name)


# Retrieval (numpy) and the model provider load on the first question, not with the module
# or the context: listing, reading and deleting conversations never need them.
def _index_for(embedder: Embedder) -> HybridIndex:
    from handlers.core.retrieval.index import HybridIndex

    return HybridIndex(_document_source(), embedder)


@cache
def _reranker() -> Reranker | None:
    model_dir = settings().reranker_model_dir
    if model_dir is None:
        return None
    from handlers.core.retrieval.reranker import Reranker

    try:
        return Reranker.load(model_dir)
    except Exception:
        # A packaging fault: answers still come, in the fused ranking's order.
        logger.exception("reranker unavailable", model_dir=str(model_dir))
        return None


def _question_reranker() -> Reranker | None:
    reranker = _reranker()
    if reranker is None and settings().reranker_model_dir is not None:
        # Counted per question, so the alarm sees every container that failed to load it.
        record_count(names.RERANKER_UNAVAILABLE)
    return reranker


def _provider() -> tuple[Answerer, Embedder]:
    from handlers.core.llm.provider import make_provider

    return make_provider(settings())


@cache
def agent_context() -> service.AgentContext:
    import boto3

    from handlers.core.conversations.quotas import DailyQuota
    from handlers.core.conversations.table import ConversationTable
    from handlers.core.documents.table import DocumentTable

    config = settings()
    table = boto3.resource("dynamodb").Table(config.table_name)
    return service.AgentContext(
        conversations=ConversationTable(table),
        documents=DocumentTable(table),
        quota=DailyQuota(
            table,
            question_limit=config.daily_question_limit,
            token_limit=config.daily_token_limit,
        ),
        provider=_provider,
        index_for=_index_for,
        reranker=_question_reranker,
    )


def _user_id() -> str:
    return require_user_id(app.current_event.raw_event)


@app.post(
    "/conversations",
    operation_id="createConversation",
    status_code=201,
    tags=TAGS,
    summary="Start a conversation",
    description="Optionally limited to some documents; by default it searches all READY ones.",
    responses=route_responses(201, "Created", 400, 401, 404),
)
def post_conversation(request: CreateConversationRequest) -> Conversation:
    return service.create_conversation(agent_context(), _user_id(), request)


@app.get(
    "/conversations",
    operation_id="listConversations",
    tags=TAGS,
    summary="List the caller's conversations, newest first",
    responses=route_responses(200, "A page of conversations", 400, 401),
)
def get_conversations(
    limit: PageLimit = DEFAULT_PAGE_LIMIT,
    cursor: PageCursor = None,
) -> ConversationPage:
    return service.list_conversations(agent_context(), _user_id(), limit=limit, cursor=cursor)


@app.get(
    "/conversations/<conversationId>",
    operation_id="getConversation",
    tags=TAGS,
    summary="A conversation with its latest messages and their citations",
    description=(
        f"At most the latest {LATEST_MESSAGES} messages, oldest first; `olderCursor` pages "
        "back through the rest (GET /conversations/{conversationId}/messages)."
    ),
    responses=route_responses(200, "The conversation", 400, 401, 404),
)
def get_conversation(conversationId: ConversationId) -> ConversationDetails:
    return service.get_conversation(agent_context(), _user_id(), conversationId)


@app.delete(
    "/conversations/<conversationId>",
    operation_id="deleteConversation",
    status_code=204,
    tags=TAGS,
    summary="Delete a conversation and its messages",
    responses=route_responses(204, "Deleted", 400, 401, 404, empty=True),
)
def delete_conversation(conversationId: ConversationId) -> Response[None]:
    service.delete_conversation(agent_context(), _user_id(), conversationId)
    return Response(status_code=204, content_type=None, body=None)


@app.get(
    "/conversations/<conversationId>/messages",
    operation_id="listMessages",
    tags=TAGS,
    summary="Page back through a conversation's older messages",
    description=(
        "Without a cursor: the latest messages. With `olderCursor` from the conversation "
        "or `nextCursor` from a page: the messages before those. Items are oldest first."
    ),
    responses=route_responses(200, "A page of messages", 400, 401, 404),
)
def get_messages(
    conversationId: ConversationId,
    limit: PageLimit = LATEST_MESSAGES,
    cursor: PageCursor = None,
) -> MessagePage:
    return service.list_messages(
        agent_context(), _user_id(), conversationId, limit=limit, cursor=cursor
    )


@app.post(
    "/conversations/<conversationId>/messages",
    operation_id="askQuestion",
    tags=TAGS,
    summary="Ask a question; the answer cites passages of the caller's documents",
    description=(
        "Every question counts against today's quota. 429 with Retry-After when today's "
        "question or token quota is used up; 409 when the conversation already holds "
        f"{MAX_CONVERSATION_MESSAGES} messages (start a new one); 503 with Retry-After when "
        "the language model is unavailable or not configured."
    ),
    responses=route_responses(200, "The answer", 400, 401, 404, 409, 429, 503),
)
def post_message(conversationId: ConversationId, request: AskRequest) -> Message:
    try:
        deadline = Deadline.from_remaining_millis(app.lambda_context.get_remaining_time_in_millis())
        message = service.ask_question(
            agent_context(), _user_id(), conversationId, request, deadline
        )
    except AppError as exc:
        # A stable code (quota_exceeded, llm_unavailable, not_found...): searchable in X-Ray.
        tracer.put_annotation("outcome", exc.code)
        raise
    tracer.put_annotation("outcome", "answered")
    tracer.put_annotation("model", message.model)
    return message


@app.get(
    "/documents/<documentId>/parts/<part>",
    operation_id="getDocumentPart",
    tags=["documents"],
    summary="One page or section of a document's text: what a citation points into",
    description=(
        "A citation's `part` names it and its `start`/`end` are offsets into `text`. 404 for "
        "a missing, another user's or not READY document, and for documents indexed before "
        "parts existed (the citation's excerpt is then all there is)."
    ),
    responses=route_responses(200, "The part", 400, 401, 404),
)
def get_document_part(documentId: DocumentId, part: PartNumber) -> DocumentPart:
    # Served here, not by `api`: this function already reads derived files.
    from handlers.core.conversations.document_parts import get_document_part as get_part

    return get_part(agent_context().documents, _part_reader(), _user_id(), documentId, part)


@app.put(
    "/conversations/<conversationId>/messages/<messageId>/feedback",
    operation_id="giveFeedback",
    tags=TAGS,
    summary="Rate an answer 👍 or 👎, with an optional comment",
    description=(
        "Replaces the message's feedback; sending the same rating and comment again changes "
        "nothing. 404 for a message that is not the caller's."
    ),
    responses=route_responses(200, "The message with its feedback", 400, 401, 404),
)
def put_feedback(
    conversationId: ConversationId, messageId: MessageId, request: FeedbackRequest
) -> Message:
    return feedback.give_feedback(agent_context(), _user_id(), conversationId, messageId, request)


def _prime_questions() -> None:
    # Under SnapStart the question's retrieval (numpy), reranker (onnxruntime and its
    # model) and clients go into the snapshot; the provider stays lazy (its key is read
    # from Secrets Manager).
    from handlers.core.llm.tools import AgentTools  # noqa: F401
    from handlers.core.retrieval.index import HybridIndex  # noqa: F401

    agent_context()
    _document_source()
    _reranker()


prime_for_snapshot(_prime_questions)


# Responses carry questions, answers and excerpts: the trace keeps none of them.
@trace_handler(tracer, capture_response=False)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_rest_invocation(app, event, context, settings().allowed_origins)
