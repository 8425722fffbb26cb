"""The `dead_letters` function: the consumer of the ingest dead-letter queue.

A message reaches the DLQ after `MAX_RECEIVE_COUNT` deliveries the worker never finished.
Usually the worker's last delivery has already marked the document FAILED; but when the
worker was killed outright (out of memory, out of time, the execution environment torn
down), no Python code ran to say so, and without this consumer the document would show
Processing forever. Here each dead-lettered upload's document is marked FAILED with a
reason, conditionally on it still being PENDING (a document that finished or was deleted
meanwhile is left alone), and the message is acknowledged. Every dead-lettered upload is
counted (`DocumentsDeadLettered`), which an alarm watches: the queue itself now drains.

Its role may only update document items, read and delete DLQ messages and decrypt with
the store's key: it never reads a document's bytes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

# First: Powertools' event_handler and data_classes packages load only the modules used.
import handlers.core.runtime.lean_imports  # noqa: F401  # isort: skip

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.core.clock import utc_now
from handlers.core.contracts import metric_names
from handlers.core.contracts.layout import parse_raw_key
from handlers.core.documents.table import DocumentTable
from handlers.core.ingest.s3_notifications import created_objects
from handlers.core.runtime.invocation_metrics import record_count
from handlers.core.runtime.settings import StorageSettings
from handlers.core.runtime.sqs_batch import process_sqs_batch
from handlers.core.runtime.tracing import PATCHED_MODULES, trace_handler

logger = Logger(service="dead_letters")
tracer = Tracer(service="dead_letters", patch_modules=PATCHED_MODULES)

DEAD_LETTER_REASON = (
    "The document could not be processed: every attempt ran out of time or memory. It may be"
    " too large or too complex; split or simplify it and upload it again."
)


@cache
def dead_letter_context() -> tuple[DocumentTable, StorageSettings]:
    import boto3

    settings = StorageSettings.from_env()
    return DocumentTable(boto3.resource("dynamodb").Table(settings.table_name)), settings


def fail_dead_lettered(table: DocumentTable, bucket: str, record: SQSRecord) -> int:
    """Mark each upload the message announces FAILED; returns how many were still PENDING."""
    marked = 0
    receives = record.attributes.approximate_receive_count
    for created in created_objects(record.body, bucket):
        parsed = parse_raw_key(created.key)
        if parsed is None:
            continue
        record_count(metric_names.DOCUMENTS_DEAD_LETTERED)
        finished = table.mark_failed(
            parsed.user_id,
            parsed.document_id,
            reason=DEAD_LETTER_REASON,
            now=utc_now(),
            size=created.size,
        )
        marked += int(finished)
        logger.warning(
            "dead-lettered upload",
            document_id=parsed.document_id,
            marked_failed=finished,
            correlation_id=record.message_id,
            receive_count=receives,
        )
    return marked


@trace_handler(tracer, capture_response=True)
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    table, settings = dead_letter_context()

    def handle(record: SQSRecord) -> None:
        fail_dead_lettered(table, settings.bucket_name, record)

    return process_sqs_batch(event, context, handle)
