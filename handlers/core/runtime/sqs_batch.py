"""One SQS batch as Lambda's event-source mapping delivers it, with partial batch failures.

Every record is handled on its own: one that raises is listed in `batchItemFailures` (SQS
delivers it again, then dead-letters it) and never fails the others. Metrics recorded while
handling are published once, at the end, even when the batch raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from handlers.core.runtime.invocation_metrics import begin_invocation, publish_metrics


def process_sqs_batch(
    event: dict[str, Any], context: LambdaContext, handle: Callable[[SQSRecord], None]
) -> dict[str, Any]:
    """`handle` each record; the partial batch response for the event-source mapping."""
    begin_invocation()
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    try:
        response = process_partial_response(
            event=event, record_handler=handle, processor=processor, context=context
        )
        return dict(response)
    finally:
        publish_metrics()
