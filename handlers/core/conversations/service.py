"""The conversation use cases behind the `agent` routes, one function each.

Each takes the caller's user id (from the verified token, never the request). Asking a
question: check the conversation (and that it is not full), reserve the daily quota
(every question counts, even one with no document to answer from), pick the caller's
READY documents in its scope, let the provider answer with tools bound to those documents,
count the tokens, then store question, answer and citations as one message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from handlers.core.clock import utc_now
from handlers.core.contracts import metric_names as names
from handlers.core.conversations.citations import citation_for
from handlers.core.conversations.models import (
    DEFAULT_TITLE,
    LATEST_MESSAGES,
    MAX_CONVERSATION_MESSAGES,
    AskRequest,
    Citation,
    Conversation,
    ConversationDetails,
    ConversationPage,
    CreateConversationRequest,
    Message,
    MessagePage,
    Usage,
)
from handlers.core.conversations.quotas import DailyQuota, QuotaExceededError
from handlers.core.conversations.table import ConversationFullError, ConversationTable
from handlers.core.documents.models import DocumentRecord, DocumentStatus
from handlers.core.documents.table import DocumentTable
from handlers.core.http.errors import NotFoundError
from handlers.core.ids import is_valid_id, new_id
from handlers.core.llm.answers import Answerer, DraftAnswer, Exchange, Grounding
from handlers.core.llm.deadline import Deadline
from handlers.core.llm.errors import LlmError
from handlers.core.runtime.invocation_metrics import record_count, record_milliseconds

if TYPE_CHECKING:
    from handlers.core.derived.vectors import Embedder
    from handlers.core.retrieval.index import VectorIndex
    from handlers.core.retrieval.reranker import Reranker

logger = Logger(child=True)

HISTORY_MESSAGES = 4
NO_DOCUMENTS_ANSWER = (
    "There are no READY documents to answer from yet. Upload a document (or wait until "
    "it has been processed) and ask again."
)
NO_DOCUMENTS_MODEL = "none"


@dataclass(frozen=True)
class AgentContext:
    """What the use cases need. `provider` is called only when a question needs it."""

    conversations: ConversationTable
    documents: DocumentTable
    quota: DailyQuota
    provider: Callable[[], tuple[Answerer, Embedder]]
    index_for: Callable[[Embedder], VectorIndex]
    clock: Callable[[], datetime] = field(default=utc_now)
    # The question's cross-encoder, when the function ships one (loaded on first use).
    reranker: Callable[[], Reranker | None] = field(default=lambda: None)


def create_conversation(
    ctx: AgentContext, user_id: str, request: CreateConversationRequest
) -> Conversation:
    document_ids = list(dict.fromkeys(request.document_ids))
    for document_id in document_ids:
        if _find_document(ctx, user_id, document_id) is None:
            raise NotFoundError("Document not found.", code="document_not_found")
    now = ctx.clock()
    conversation = Conversation(
        conversation_id=new_id(int(now.timestamp() * 1000)),
        title=request.title or DEFAULT_TITLE,
        document_ids=document_ids,
        created_at=now,
        updated_at=now,
    )
    ctx.conversations.put_new(user_id, conversation)
    logger.info("conversation created", conversation_id=conversation.conversation_id)
    return conversation


def list_conversations(
    ctx: AgentContext, user_id: str, *, limit: int, cursor: str | None
) -> ConversationPage:
    items, next_cursor = ctx.conversations.list_page(user_id, limit=limit, cursor=cursor)
    return ConversationPage(items=items, next_cursor=next_cursor)


def get_conversation(ctx: AgentContext, user_id: str, conversation_id: str) -> ConversationDetails:
    """The conversation with its latest messages; `olderCursor` pages back to the rest."""
    conversation = _require_conversation(ctx, user_id, conversation_id)
    messages, older = ctx.conversations.message_page(
        user_id, conversation_id, limit=LATEST_MESSAGES
    )
    return ConversationDetails(conversation=conversation, messages=messages, older_cursor=older)


def list_messages(
    ctx: AgentContext, user_id: str, conversation_id: str, *, limit: int, cursor: str | None
) -> MessagePage:
    """A page of messages older than the cursor's (the latest without one), oldest first."""
    _require_conversation(ctx, user_id, conversation_id)
    items, older = ctx.conversations.message_page(
        user_id, conversation_id, limit=limit, cursor=cursor
    )
    return MessagePage(items=items, next_cursor=older)


def delete_conversation(ctx: AgentContext, user_id: str, conversation_id: str) -> None:
    _require_conversation(ctx, user_id, conversation_id)
    ctx.conversations.delete(user_id, conversation_id)
    logger.info("conversation deleted", conversation_id=conversation_id)


def ask_question(
    ctx: AgentContext,
    user_id: str,
    conversation_id: str,
    request: AskRequest,
    deadline: Deadline | None = None,
) -> Message:
    conversation = _require_conversation(ctx, user_id, conversation_id)
    if ctx.conversations.message_count(user_id, conversation_id) >= MAX_CONVERSATION_MESSAGES:
        raise ConversationFullError(MAX_CONVERSATION_MESSAGES)
    # Every question counts, answered from documents or not: each one stores a message.
    try:
        ctx.quota.reserve_question(user_id, ctx.clock())
    except QuotaExceededError:
        record_count(names.QUOTA_REJECTIONS)
        raise
    documents = _documents_in_scope(ctx, user_id, conversation)
    if not documents:
        draft = DraftAnswer(
            text=NO_DOCUMENTS_ANSWER, model=NO_DOCUMENTS_MODEL, grounding=Grounding.NOT_FOUND
        )
        return _store(ctx, user_id, conversation_id, request.question, draft, [])

    try:
        # The question's only: its gate and stemmer stay out of the other routes' cold start.
        from handlers.core.llm.tools import AgentTools

        answerer, embedder = ctx.provider()
        tools = AgentTools(ctx.index_for(embedder), documents, ctx.reranker())
        history = [
            Exchange(question=m.question, answer=m.answer)
            for m in ctx.conversations.recent_messages(user_id, conversation_id, HISTORY_MESSAGES)
        ]
        draft = answerer.answer(request.question, tools, history, deadline)
    except LlmError as exc:
        ctx.quota.release_question(user_id, ctx.clock())
        # Both, so the error-rate alarm (LlmErrors / LlmRequests) sees an outage.
        record_count(names.LLM_REQUESTS)
        record_count(names.LLM_ERRORS)
        logger.warning("llm unavailable", code=exc.code, retry_after=exc.retry_after_seconds)
        raise
    except Exception:
        # Not answered (a 500): the question must not count against today's limit either.
        ctx.quota.release_question(user_id, ctx.clock())
        raise
    tokens = draft.prompt_tokens + draft.completion_tokens
    ctx.quota.add_tokens(user_id, tokens, ctx.clock())
    _record_usage(draft)
    answer, cited = tools.cited(draft.text, draft.quotes)
    citations = [citation_for(c.passage, c.span) for c in cited]
    final = DraftAnswer(
        text=answer,
        model=draft.model,
        prompt_tokens=draft.prompt_tokens,
        completion_tokens=draft.completion_tokens,
        grounding=draft.grounding,
    )
    return _store(ctx, user_id, conversation_id, request.question, final, citations)


def _store(
    ctx: AgentContext,
    user_id: str,
    conversation_id: str,
    question: str,
    draft: DraftAnswer,
    citations: Sequence[Citation],
) -> Message:
    now = ctx.clock()
    message = Message(
        message_id=new_id(int(now.timestamp() * 1000)),
        question=question,
        answer=draft.text,
        citations=list(citations),
        usage=Usage(prompt_tokens=draft.prompt_tokens, completion_tokens=draft.completion_tokens),
        model=draft.model,
        created_at=now,
        grounding=draft.grounding,
    )
    ctx.conversations.add_message(
        user_id, conversation_id, message, now=now, max_messages=MAX_CONVERSATION_MESSAGES
    )
    logger.info(
        "question answered",
        conversation_id=conversation_id,
        message_id=message.message_id,
        model=message.model,
        citations=len(citations),
        grounding=draft.grounding.value,
        prompt_tokens=draft.prompt_tokens,
        completion_tokens=draft.completion_tokens,
    )
    return message


def _require_conversation(ctx: AgentContext, user_id: str, conversation_id: str) -> Conversation:
    conversation = (
        ctx.conversations.get(user_id, conversation_id) if is_valid_id(conversation_id) else None
    )
    if conversation is None:
        raise NotFoundError("Conversation not found.")
    return conversation


def _find_document(ctx: AgentContext, user_id: str, document_id: str) -> DocumentRecord | None:
    return ctx.documents.get(user_id, document_id) if is_valid_id(document_id) else None


def _documents_in_scope(
    ctx: AgentContext, user_id: str, conversation: Conversation
) -> list[DocumentRecord]:
    """The caller's READY documents, narrowed to the conversation's when it names some."""
    if not conversation.document_ids:
        return ctx.documents.list_ready(user_id)
    found = (_find_document(ctx, user_id, doc_id) for doc_id in conversation.document_ids)
    return [doc for doc in found if doc is not None and doc.status is DocumentStatus.READY]


def _record_usage(draft: DraftAnswer) -> None:
    record_count(names.QUESTIONS_ANSWERED)
    record_count(names.ANSWERS_NOT_IN_DOCUMENTS, int(draft.grounding is Grounding.NOT_FOUND))
    record_count(names.ANSWERS_DOUBTFUL, int(draft.grounding is Grounding.DOUBTFUL))
    record_count(names.LLM_PROMPT_TOKENS, draft.prompt_tokens)
    record_count(names.LLM_COMPLETION_TOKENS, draft.completion_tokens)
    if draft.llm_calls:
        record_milliseconds(names.LLM_LATENCY_MS, draft.llm_latency_ms)
        record_count(names.LLM_REQUESTS, draft.llm_calls)
        record_count(names.LLM_ERRORS, 0)
