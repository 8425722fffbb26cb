"""A reader's verdict on one answer: 👍 or 👎 and an optional short comment.

Kept with the message it judges (the `feedback` attribute of its item), so deleting the
conversation deletes it too.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field, field_validator

from handlers.core.documents.models import CamelModel

MAX_FEEDBACK_COMMENT_LENGTH = 1000


class FeedbackRating(StrEnum):
    UP = "up"
    DOWN = "down"


class Feedback(CamelModel):
    rating: FeedbackRating
    comment: str | None = Field(default=None, description="What the reader said, if anything.")
    updated_at: AwareDatetime


class FeedbackRequest(CamelModel):
    rating: FeedbackRating
    comment: str | None = Field(default=None, max_length=MAX_FEEDBACK_COMMENT_LENGTH)

    @field_validator("comment")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None
