"""The `ingest` function: the SQS worker that turns uploads into searchable chunks.

S3 `ObjectCreated` notifications for `raw/` arrive through the ingest queue, one per
invocation (`layout.INGEST_BATCH_SIZE`: a hostile upload must delay nobody else's). Each
record is processed on its own (`handlers.core.ingest.service`), its extraction in a child
process whose memory and CPU limits come from this function's memory and the time left
(`child_limits`); a record whose processing raises is reported in `batchItemFailures`, so
only it is delivered again (the event source mapping has `ReportBatchItemFailures`), and
after `MAX_RECEIVE_COUNT` deliveries it moves to the dead-letter queue, whose consumer
(`handlers/dead_letters.py`) marks the document FAILED if nothing else did. Permanent
problems with a file never raise: they mark the document FAILED and the message is
acknowledged.

While a record is processed its log lines carry `correlation_id` (the SQS message id),
`document_id` and `s3_request_id` (the upload's S3 request id), so one document can be
followed through its deliveries; each upload is one X-Ray subsegment with its outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

# First: Powertools' event_handler and data_classes packages load only the modules used.
import handlers.core.runtime.lean_imports  # noqa: F401  # isort: skip

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.core.contracts import metric_names
from handlers.core.contracts.layout import MAX_RECEIVE_COUNT, parse_raw_key
from handlers.core.extraction.bounded import ChildLimits
from handlers.core.ingest.s3_notifications import ObjectCreated
from handlers.core.ingest.s3_notifications import created_objects as notifications_in
from handlers.core.ingest.service import (
    IngestContext,
    IngestResult,
    Outcome,
    fail_after_retries,
    ingest_object,
)
from handlers.core.runtime.invocation_metrics import (
    record_count,
    record_milliseconds,
)
from handlers.core.runtime.settings import IngestSettings
from handlers.core.runtime.sqs_batch import process_sqs_batch
from handlers.core.runtime.tracing import PATCHED_MODULES, trace_handler

logger = Logger(service="ingest")
tracer = Tracer(service="ingest", patch_modules=PATCHED_MODULES)


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


def created_objects(record: SQSRecord, bucket: str) -> list[ObjectCreated]:
    """The `ObjectCreated` notifications for our bucket in one message."""
    return notifications_in(record.body, bucket)


@contextmanager
def log_keys(**keys: str | None) -> Iterator[None]:
    """Add `keys` (those with a value) to every log line inside the block, then remove them."""
    present = {name: value for name, value in keys.items() if value is not None}
    logger.append_keys(**present)
    try:
        yield
    finally:
        logger.remove_keys(list(present))


def _record_metrics(result: IngestResult) -> None:
    if result.outcome is Outcome.READY:
        record_count(metric_names.DOCUMENTS_READY)
        record_count(metric_names.INGEST_PAGES, result.pages)
    elif result.outcome is Outcome.FAILED:
        record_count(metric_names.DOCUMENTS_FAILED)
        record_count(metric_names.documents_failed_for(str(result.code)))
    if result.outcome is not Outcome.SKIPPED:
        record_milliseconds(metric_names.INGEST_DURATION_MS, result.duration_ms)


def _try_fail_after_retries(ctx: IngestContext, key: str, error: Exception) -> None:
    try:
        fail_after_retries(ctx, key, error)
    except Exception:
        logger.exception("could not mark the document failed after the last retry")


def child_limits(context: LambdaContext) -> ChildLimits:
    """The extraction child's limits from this function's memory and the time left now."""
    return ChildLimits.for_function(
        memory_mb=int(context.memory_limit_in_mb),
        remaining_ms=context.get_remaining_time_in_millis(),
    )


@tracer.capture_method(capture_response=False)
def ingest_upload(ctx: IngestContext, created: ObjectCreated, limits: ChildLimits) -> IngestResult:
    """One upload, in its own subsegment annotated with the outcome (and failure code)."""
    result = ingest_object(ctx, created.key, event_size=created.size, child_limits=limits)
    tracer.put_annotation("outcome", result.outcome.value)
    if result.code:
        tracer.put_annotation("reason_code", result.code)
    return result


def _handle_upload(
    ctx: IngestContext, record: SQSRecord, created: ObjectCreated, limits: ChildLimits
) -> None:
    try:
        result = ingest_upload(ctx, created, limits)
    except Exception as exc:
        receives = int(record.attributes.approximate_receive_count or 1)
        logger.exception("ingest failed; the message will be retried", receive_count=receives)
        if receives >= MAX_RECEIVE_COUNT:
            # The message goes to the DLQ next; the user should not wait forever.
            _try_fail_after_retries(ctx, created.key, exc)
        raise
    _record_metrics(result)


# The response lists only the ids of failed messages: the trace may keep it.
@trace_handler(tracer, capture_response=True)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    ctx = ingest_context()

    def handle(record: SQSRecord) -> None:
        with log_keys(correlation_id=record.message_id):
            for created in created_objects(record, ctx.settings.bucket_name):
                parsed = parse_raw_key(created.key)
                with log_keys(
                    document_id=parsed.document_id if parsed else None,
                    s3_request_id=created.request_id,
                ):
                    _handle_upload(ctx, record, created, child_limits(context))

    return process_sqs_batch(event, context, handle)
