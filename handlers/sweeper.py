"""The `sweeper` function: run on a schedule, it repairs documents stuck in PENDING.

A document whose upload never arrived (the browser closed mid-upload, a client that only
called `POST /documents`) becomes FAILED with a reason once its upload URL has expired;
one whose file arrived but whose ingestion never finished is delivered to the worker once
more, then FAILED. Expired conversation data is DynamoDB TTL's job, not this one's.
The rules are in `handlers/core/sweeper/`; this file wires AWS to them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.core.clock import utc_now
from handlers.core.contracts import metric_names
from handlers.core.runtime.invocation_metrics import begin_invocation, publish_metrics, record_count
from handlers.core.runtime.tracing import PATCHED_MODULES, trace_handler
from handlers.core.sweeper.rules import Action, Deadlines
from handlers.core.sweeper.service import SweepContext, sweep
from handlers.core.sweeper.settings import SweeperSettings

logger = Logger(service="sweeper")
tracer = Tracer(service="sweeper", patch_modules=PATCHED_MODULES)

_METRICS = {
    Action.ABANDON: metric_names.SWEPT_UPLOADS_NEVER_ARRIVED,
    Action.REQUEUE: metric_names.SWEPT_REQUEUED,
    Action.FAIL: metric_names.SWEPT_STUCK_FAILED,
}


@cache
def sweep_context() -> SweepContext:
    import boto3

    from handlers.core.documents.table import DocumentTable
    from handlers.core.sweeper.store import IngestQueue, PendingDocuments, RawObjects

    settings = SweeperSettings.from_env()
    table = boto3.resource("dynamodb").Table(settings.table_name)
    return SweepContext(
        pending=PendingDocuments(table),
        documents=DocumentTable(table),
        raw=RawObjects(boto3.client("s3"), settings.bucket_name),
        queue=IngestQueue(boto3.client("sqs"), settings.queue_url),
        deadlines=Deadlines(
            upload=settings.upload_deadline,
            processing=settings.processing_deadline,
            max_requeues=settings.max_requeues,
        ),
    )


@trace_handler(tracer, capture_response=True)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    """`event` is the scheduler's (ignored). Returns how many documents each action touched."""
    begin_invocation()
    try:
        report = sweep(sweep_context(), utc_now())
        for action, metric in _METRICS.items():
            record_count(metric, report.counts[action])
        counts = report.as_dict()
        logger.info("sweep finished", extra={"counts": counts})
        return counts
    finally:
        publish_metrics()
