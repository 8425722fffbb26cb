"""Questions through the agent's conversation routes, as the site asks them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.support.events import USER_A
from tests.support.routes import ApiResult, CallRoute


def start_conversation(
    call_agent: CallRoute, *, user: str = USER_A, document_ids: Sequence[str] | None = None
) -> dict[str, Any]:
    """A new conversation (over all the user's documents unless `document_ids` is given)."""
    body = {} if document_ids is None else {"documentIds": list(document_ids)}
    conversation: dict[str, Any] = call_agent("POST", "/conversations", user=user, body=body).body
    return conversation


def ask_in(
    call_agent: CallRoute, conversation_id: str, question: str, *, user: str = USER_A
) -> ApiResult:
    """One question in an existing conversation."""
    path = f"/conversations/{conversation_id}/messages"
    return call_agent("POST", path, user=user, body={"question": question})


def ask(
    call_agent: CallRoute,
    question: str,
    *,
    user: str = USER_A,
    document_ids: Sequence[str] | None = None,
) -> tuple[ApiResult, dict[str, Any]]:
    """One question in a new conversation; returns the answer and the conversation."""
    conversation = start_conversation(call_agent, user=user, document_ids=document_ids)
    return ask_in(call_agent, conversation["conversationId"], question, user=user), conversation
