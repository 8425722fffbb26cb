"""What the sweeper does with one PENDING document: pure decisions, no AWS.

A PENDING document is either waiting for its upload (no raw object yet) or being ingested
(the raw object exists). Each has a deadline after which nothing can still be under way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

UPLOAD_NEVER_ARRIVED = "The upload never arrived. Upload the file again."
PROCESSING_STUCK = (
    "The document could not be processed in time, even after another attempt. "
    "Upload it again later."
)


class Action(StrEnum):
    WAIT = "wait"
    """Still within its deadline: leave it."""
    ABANDON = "abandon"
    """No file ever arrived: FAILED with UPLOAD_NEVER_ARRIVED."""
    REQUEUE = "requeue"
    """The file is there but ingestion never finished: deliver it to the worker again."""
    FAIL = "fail"
    """Re-enqueued already and still stuck: FAILED with PROCESSING_STUCK."""


@dataclass(frozen=True)
class PendingDocument:
    user_id: str
    document_id: str
    raw_key: str
    created_at: datetime
    requeues: int = 0
    """How many times the sweeper has re-enqueued it."""
    swept_at: datetime | None = None
    """When the sweeper last re-enqueued it."""


@dataclass(frozen=True)
class Deadlines:
    upload: timedelta
    processing: timedelta
    max_requeues: int


def decide(
    document: PendingDocument,
    uploaded_at: datetime | None,
    now: datetime,
    deadlines: Deadlines,
) -> Action:
    """`uploaded_at` is the raw object's LastModified, None when there is no raw object."""
    if uploaded_at is None:
        if now - document.created_at > deadlines.upload:
            return Action.ABANDON
        return Action.WAIT
    started = max(uploaded_at, document.swept_at) if document.swept_at else uploaded_at
    if now - started <= deadlines.processing:
        return Action.WAIT
    return Action.REQUEUE if document.requeues < deadlines.max_requeues else Action.FAIL
