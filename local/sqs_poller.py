"""Lambda's SQS event-source mapping, locally: the ingest queue feeds the ingest function.

Like the mapping deployed with `ReportBatchItemFailures`: up to `batch_size` messages,
gathered for at most `window_seconds`, go to the function as one SQS event; the records it
reports in `batchItemFailures` (all of them if it raises or answers nonsense) stay in the
queue and are received again, and the rest are deleted. After the redrive policy's
`maxReceiveCount` receives, SQS itself moves a message to the dead-letter queue.
"""

from __future__ import annotations

import base64
import math
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from local.background import BackgroundLoop
from local.functions import FunctionUnavailableError

Invoke = Callable[[dict[str, Any]], Any]


class SqsPoller(BackgroundLoop):
    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        region: str,
        invoke: Invoke,
        batch_size: int,
        window_seconds: float,
        retry_visibility_seconds: int,
        wait_seconds: int = 1,
    ) -> None:
        """`sqs` is a boto3 SQS client; `invoke` runs the function with one event."""
        super().__init__("sqs-poller")
        self._sqs = sqs
        self._queue_url = queue_url
        self._queue_arn = queue_arn
        self._region = region
        self._invoke = invoke
        self._batch_size = batch_size
        self._window_seconds = window_seconds
        self._retry_visibility_seconds = retry_visibility_seconds
        self._wait_seconds = wait_seconds

    def stop(self) -> None:
        """Finish the batch in hand, then stop (within one long-poll wait)."""
        super().stop()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once()
            except Exception:
                # The queue is local and in memory: an error here is a bug worth seeing,
                # but the poller keeps going, as Lambda's would.
                traceback.print_exc()
                self._stopping.wait(1)

    def poll_once(self) -> int:
        """Receive one batch and hand it to the function; returns the batch's size."""
        messages = self._receive_batch()
        if not messages:
            return 0
        event = {"Records": [self._record(message) for message in messages]}
        failed_ids = self._failed_ids(event)
        for message in messages:
            if message["MessageId"] in failed_ids:
                self._sqs.change_message_visibility(
                    QueueUrl=self._queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=self._retry_visibility_seconds,
                )
            else:
                self._sqs.delete_message(
                    QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        return len(messages)

    def _receive_batch(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        deadline: float | None = None
        while len(messages) < self._batch_size and not self._stopping.is_set():
            wait = self._wait_seconds
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                wait = min(wait, math.ceil(remaining))
            received = self._sqs.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=min(10, self._batch_size - len(messages)),
                WaitTimeSeconds=wait,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not received and deadline is None:
                break
            messages += received
            if deadline is None:
                deadline = time.monotonic() + self._window_seconds
        return messages

    def _failed_ids(self, event: dict[str, Any]) -> set[str]:
        every_id = {record["messageId"] for record in event["Records"]}
        try:
            result = self._invoke(event)
        except FunctionUnavailableError as exc:
            print(f"[sqs] the ingest function is not there yet: {exc}", file=sys.stderr)
            return every_id
        except Exception:
            # Lambda logs the traceback of an unhandled error and retries the whole batch.
            traceback.print_exc()
            return every_id
        if result is None:
            return set()
        failures = result.get("batchItemFailures") if isinstance(result, dict) else None
        if not isinstance(failures, list):
            print(f"[sqs] not a batch response; retrying the batch: {result!r}", file=sys.stderr)
            return every_id
        failed = {str(item.get("itemIdentifier")) for item in failures}
        # Lambda retries the whole batch when a reported id is not in it.
        return failed if failed <= every_id else every_id

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {
                name: _event_attribute(value)
                for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self._queue_arn,
            "awsRegion": self._region,
        }


def _event_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """An attribute as the SQS API returns it, spelt as Lambda's SQS event spells it."""
    attribute: dict[str, Any] = {
        "dataType": value["DataType"],
        "stringListValues": value.get("StringListValues", []),
        "binaryListValues": value.get("BinaryListValues", []),
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    return attribute
