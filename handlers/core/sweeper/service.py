"""One sweep: every PENDING document past its deadline is abandoned, re-enqueued or failed.

Idempotent: every write is conditional on the document still being PENDING (and, for a
re-enqueue, on the count the sweep read), so a sweep that runs twice, or races with the
ingest worker or a delete, changes nothing a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aws_lambda_powertools import Logger

from handlers.core.documents.table import DocumentTable
from handlers.core.sweeper.rules import (
    PROCESSING_STUCK,
    UPLOAD_NEVER_ARRIVED,
    Action,
    Deadlines,
    PendingDocument,
    decide,
)
from handlers.core.sweeper.store import IngestQueue, PendingDocuments, RawObjects

logger = Logger(child=True)


@dataclass(frozen=True)
class SweepContext:
    pending: PendingDocuments
    documents: DocumentTable
    raw: RawObjects
    queue: IngestQueue
    deadlines: Deadlines


@dataclass
class SweepReport:
    examined: int = 0
    """PENDING documents old enough to be looked at."""
    counts: dict[Action, int] = field(default_factory=lambda: dict.fromkeys(Action, 0))

    def as_dict(self) -> dict[str, int]:
        return {"examined": self.examined, **{action.value: n for action, n in self.counts.items()}}


def sweep(ctx: SweepContext, now: datetime) -> SweepReport:
    report = SweepReport()
    # Nothing younger than the shorter deadline can be due.
    cutoff = now - min(ctx.deadlines.upload, ctx.deadlines.processing)
    for document in ctx.pending.created_before(cutoff):
        report.examined += 1
        action = decide(document, ctx.raw.uploaded_at(document.raw_key), now, ctx.deadlines)
        if _apply(ctx, document, action, now):
            report.counts[action] += 1
    return report


def _apply(ctx: SweepContext, document: PendingDocument, action: Action, now: datetime) -> bool:
    """Carry out `action`; False when the document changed under the sweep (nothing done)."""
    document_id = document.document_id
    if action is Action.WAIT:
        return True
    if action is Action.ABANDON:
        done = ctx.documents.mark_failed(
            document.user_id, document.document_id, reason=UPLOAD_NEVER_ARRIVED, now=now
        )
        if done:
            logger.info("upload never arrived; document failed", document_id=document_id)
        return done
    if action is Action.FAIL:
        done = ctx.documents.mark_failed(
            document.user_id, document.document_id, reason=PROCESSING_STUCK, now=now
        )
        if done:
            logger.warning(
                "ingestion stuck after re-enqueue; document failed", document_id=document_id
            )
        return done
    # Enqueued first: a message for a document that is no longer PENDING is skipped by the
    # worker, while a count recorded for a message never sent would fail the document early.
    ctx.queue.enqueue(ctx.raw.bucket, document.raw_key, ctx.raw.size_of(document.raw_key))
    done = ctx.pending.record_requeue(document, now)
    if done:
        logger.warning(
            "ingestion stuck; upload re-enqueued",
            requeues=document.requeues + 1,
            document_id=document_id,
        )
    return done
