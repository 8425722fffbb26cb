"""Conversations and messages as the API shows them and as the table stores them.

Attribute names in the table are the camelCase aliases, like document items, so a stored
item validates straight into these models.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field, field_validator

from handlers.core.conversations.feedback_models import Feedback
from handlers.core.documents.models import CamelModel
from handlers.core.llm.answers import Grounding

MAX_TITLE_LENGTH = 200
MAX_SCOPE_DOCUMENTS = 50
MAX_QUESTION_LENGTH = 4000
MAX_CONVERSATION_MESSAGES = 500
"""A question beyond this many messages is refused (409): start a new conversation."""
LATEST_MESSAGES = 50
"""How many of the latest messages `GET /conversations/{id}` returns."""
DEFAULT_TITLE = "New conversation"


class Conversation(CamelModel):
    conversation_id: str
    title: str
    document_ids: list[str] = Field(
        default_factory=list,
        description="The documents this conversation searches; empty: all READY documents.",
    )
    created_at: AwareDatetime
    updated_at: AwareDatetime


class Citation(CamelModel):
    """Where an answer's evidence is. The part fields are null for citations stored before
    documents had parts, and for documents not yet re-indexed."""

    document_id: str
    document_name: str
    page: int | None = Field(default=None, description="1-based page, when the format has pages.")
    excerpt: str
    score: float = Field(description="Fused retrieval score (reciprocal rank fusion).")
    part: int | None = Field(
        default=None,
        description=(
            "1-based index of the page (PDF) or heading section (HTML, Markdown, text, Word)"
            " holding the quote: GET /documents/{documentId}/parts/{part}."
        ),
    )
    page_label: str | None = Field(
        default=None, description="The page label printed in the PDF, where it has one."
    )
    section: str | None = Field(
        default=None, description='The heading path of the section, e.g. "Install \u203a Linux".'
    )
    start: int | None = Field(
        default=None, description="Offset of the quote in the part's text: text[start:end]."
    )
    end: int | None = Field(default=None, description="End offset (exclusive) of the quote.")


class Usage(CamelModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Message(CamelModel):
    message_id: str
    question: str
    answer: str
    citations: list[Citation]
    usage: Usage
    model: str = Field(description='The chat model, or "offline" for the offline provider.')
    created_at: AwareDatetime
    feedback: Feedback | None = Field(default=None, description="The reader's 👍/👎, if given.")
    grounding: Grounding = Field(
        default=Grounding.FOUND,
        description=(
            "What the search for the question found in the documents: found; doubtful (no "
            "passage clearly answers it, and the answer says so); not_found (the documents do "
            "not appear to answer it; no citations). Messages stored before it: found."
        ),
    )


# --- requests and responses ------------------------------------------------------------


class CreateConversationRequest(CamelModel):
    title: str | None = Field(default=None, max_length=MAX_TITLE_LENGTH)
    document_ids: list[str] = Field(default_factory=list, max_length=MAX_SCOPE_DOCUMENTS)

    @field_validator("title")
    @classmethod
    def _strip_title(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class AskRequest(CamelModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_LENGTH)

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class ConversationPage(CamelModel):
    items: list[Conversation]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null on the last."
    )


class ConversationDetails(CamelModel):
    conversation: Conversation
    messages: list[Message] = Field(
        description=f"The latest {LATEST_MESSAGES} messages at most, oldest first."
    )
    older_cursor: str | None = Field(
        default=None,
        description=(
            "Pass as `cursor` to GET /conversations/{conversationId}/messages for older "
            "messages; null when there are none."
        ),
    )


class MessagePage(CamelModel):
    items: list[Message] = Field(description="Oldest first.")
    next_cursor: str | None = Field(
        default=None,
        description="Pass as `cursor` for the page of older messages; null on the first.",
    )
