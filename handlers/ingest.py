"""The `ingest` function: the SQS worker that turns uploads into searchable chunks.

S3 `ObjectCreated` notifications for `raw/` arrive through the ingest queue in batches.
Each record is processed on its own (`handlers.core.ingest_document`); a record whose
processing raises is reported in `batchItemFailures`, so only it is delivered again
(the event source mapping has `ReportBatchItemFailures`), and after `MAX_RECEIVE_COUNT`
deliveries it moves to the dead-letter queue. Permanent problems with a file never
raise: they mark the document FAILED and the message is acknowledged.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.core import metric_names
from handlers.core.ingest_document import (
    IngestContext,
    IngestResult,
    Outcome,
    fail_after_retries,
    ingest_object,
)
from handlers.core.invocation_metrics import publish_metrics, record_count, record_milliseconds
from handlers.core.layout import MAX_RECEIVE_COUNT
from handlers.core.settings import IngestSettings

logger = Logger(service="ingest")


@cache
def ingest_context() -> IngestContext:
    import boto3

    from handlers.core.documents.files import DocumentFiles
    from handlers.core.documents.table import DocumentTable
    from handlers.core.llm.embeddings import make_embedder

    settings = IngestSettings.from_env()
    return IngestContext(
        table=DocumentTable(boto3.resource("dynamodb").Table(settings.table_name)),
        files=DocumentFiles(boto3.client("s3"), settings.bucket_name),
        settings=settings,
        embedder_factory=lambda: make_embedder(settings),
    )


def object_keys(record: SQSRecord, bucket: str) -> list[tuple[str, int | None]]:
    """The (key, size) of each `ObjectCreated` notification for our bucket in one message."""
    try:
        body = json.loads(record.body)
    except ValueError:
        logger.warning("message is not JSON; ignored", message_id=record.message_id)
        return []
    if not isinstance(body, dict) or body.get("Event") == "s3:TestEvent":
        return []
    keys: list[tuple[str, int | None]] = []
    for notification in body.get("Records", []):
        s3 = notification.get("s3", {}) if isinstance(notification, dict) else {}
        event_name = str(notification.get("eventName", "")) if s3 else ""
        if not event_name.startswith("ObjectCreated") or s3.get("bucket", {}).get("name") != bucket:
            continue
        key = s3.get("object", {}).get("key")
        size = s3.get("object", {}).get("size")
        if isinstance(key, str):
            keys.append((key, int(size) if isinstance(size, int | float) else None))
    return keys


def _record_metrics(result: IngestResult) -> None:
    if result.outcome is Outcome.READY:
        record_count(metric_names.DOCUMENTS_READY)
        record_count(metric_names.INGEST_PAGES, result.pages)
    elif result.outcome is Outcome.FAILED:
        record_count(metric_names.DOCUMENTS_FAILED)
        record_count(f"{metric_names.DOCUMENTS_FAILED}_{result.code}")
    if result.outcome is not Outcome.SKIPPED:
        record_milliseconds(metric_names.INGEST_DURATION_MS, result.duration_ms)


def _try_fail_after_retries(ctx: IngestContext, key: str) -> None:
    try:
        fail_after_retries(ctx, key)
    except Exception:
        logger.exception("could not mark the document failed after the last retry")


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    ctx = ingest_context()

    def handle(record: SQSRecord) -> None:
        for key, size in object_keys(record, ctx.settings.bucket_name):
            try:
                result = ingest_object(ctx, key, event_size=size)
            except Exception:
                receives = int(record.attributes.approximate_receive_count or 1)
                logger.exception(
                    "ingest failed; the message will be retried",
                    message_id=record.message_id,
                    receive_count=receives,
                )
                if receives >= MAX_RECEIVE_COUNT:
                    # The message goes to the DLQ next; the user should not wait forever.
                    _try_fail_after_retries(ctx, key)
                raise
            _record_metrics(result)

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    try:
        response = process_partial_response(
            event=event, record_handler=handle, processor=processor, context=context
        )
        return dict(response)
    finally:
        publish_metrics()
