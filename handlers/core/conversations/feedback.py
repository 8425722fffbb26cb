"""Giving feedback on an answer: the `PUT .../messages/{messageId}/feedback` use case.

Owner-only by construction (the message is looked up in the caller's partition; anything
else is a 404) and idempotent: the same rating and comment again change nothing and count
nothing. A new or changed verdict is stored on the message and counted once, overall and
by the model that answered, for the dashboard and the negative-rate alarm.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from handlers.core.contracts import metric_names as names
from handlers.core.conversations.feedback_models import Feedback, FeedbackRating, FeedbackRequest
from handlers.core.conversations.models import Message
from handlers.core.conversations.service import AgentContext
from handlers.core.http.errors import NotFoundError
from handlers.core.ids import is_valid_id
from handlers.core.runtime.invocation_metrics import record_count, record_count_by

logger = Logger(child=True)


def give_feedback(
    ctx: AgentContext,
    user_id: str,
    conversation_id: str,
    message_id: str,
    request: FeedbackRequest,
) -> Message:
    message = _require_message(ctx, user_id, conversation_id, message_id)
    current = message.feedback
    if current is not None and (current.rating, current.comment) == (
        request.rating,
        request.comment,
    ):
        return message
    feedback = Feedback(rating=request.rating, comment=request.comment, updated_at=ctx.clock())
    ctx.conversations.set_feedback(user_id, conversation_id, message_id, feedback)
    if current is None or current.rating is not request.rating:
        _record(request.rating, message.model)
    logger.info(
        "feedback given",
        conversation_id=conversation_id,
        message_id=message_id,
        rating=request.rating.value,
        commented=request.comment is not None,
    )
    return message.model_copy(update={"feedback": feedback})


def _require_message(
    ctx: AgentContext, user_id: str, conversation_id: str, message_id: str
) -> Message:
    found = (
        ctx.conversations.get_message(user_id, conversation_id, message_id)
        if is_valid_id(conversation_id) and is_valid_id(message_id)
        else None
    )
    if found is None:
        raise NotFoundError("Message not found.")
    return found


def _record(rating: FeedbackRating, model: str) -> None:
    name = names.FEEDBACK_POSITIVE if rating is FeedbackRating.UP else names.FEEDBACK_NEGATIVE
    other = names.FEEDBACK_NEGATIVE if rating is FeedbackRating.UP else names.FEEDBACK_POSITIVE
    # Both, so the negative rate (negative / (positive + negative)) always has a denominator.
    record_count(name)
    record_count(other, 0)
    record_count_by(name, names.MODEL_DIMENSION, model)
