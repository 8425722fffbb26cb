"""The SQS poller behaves like Lambda's event-source mapping with ReportBatchItemFailures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from handlers.core.contracts import layout
from local.resources import StackResources
from local.sqs_poller import SqsPoller
from tests.local.conftest import REGION


class RecordingHandler:
    """Fails the records whose body is in `failing` (or raises), and remembers each event."""

    def __init__(self, failing: set[str] | None = None, raises: bool = False) -> None:
        self.failing = failing or set()
        self.raises = raises
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        if self.raises:
            raise RuntimeError("the worker crashed")
        return {
            "batchItemFailures": [
                {"itemIdentifier": record["messageId"]}
                for record in event["Records"]
                if record["body"] in self.failing
            ]
        }


def _poller(
    aws: Any,
    resources: StackResources,
    handler: RecordingHandler,
    batch_size: int = layout.INGEST_BATCH_SIZE,
) -> SqsPoller:
    return SqsPoller(
        sqs=aws.client("sqs"),
        queue_url=resources.queue_url,
        queue_arn=resources.queue_arn,
        region=REGION,
        invoke=handler,
        batch_size=batch_size,
        window_seconds=0,
        # Failed records are visible again at once, so the test needs no waiting.
        retry_visibility_seconds=0,
        wait_seconds=0,
    )


def _send(aws: Any, queue_url: str, *bodies: str) -> None:
    for body in bodies:
        aws.client("sqs").send_message(QueueUrl=queue_url, MessageBody=body)


def _drain_test_event(aws: Any, resources: StackResources) -> None:
    # S3 sends one s3:TestEvent when the notification is configured; start from empty.
    sqs = aws.client("sqs")
    for message in sqs.receive_message(QueueUrl=resources.queue_url, MaxNumberOfMessages=10).get(
        "Messages", []
    ):
        sqs.delete_message(QueueUrl=resources.queue_url, ReceiptHandle=message["ReceiptHandle"])


def _visible(aws: Any, queue_url: str) -> int:
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


@pytest.fixture
def queue(aws: Any, resources: StackResources) -> StackResources:
    _drain_test_event(aws, resources)
    return resources


def test_a_batch_reaches_the_function_as_an_sqs_event(aws: Any, queue: StackResources):
    # Given seven messages in the ingest queue
    _send(aws, queue.queue_url, *[f"m{i}" for i in range(7)])
    handler = RecordingHandler()

    # When the poller takes one batch
    taken = _poller(aws, queue, handler).poll_once()

    # Then the function got at most the mapping's batch size, in Lambda's event shape
    assert taken == layout.INGEST_BATCH_SIZE
    (event,) = handler.events
    record = event["Records"][0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queue.queue_arn
    assert record["awsRegion"] == REGION
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"messageId", "receiptHandle", "body", "md5OfBody", "messageAttributes"} <= set(record)
    # And the records it did not fail are deleted
    assert _visible(aws, queue.queue_url) == 7 - layout.INGEST_BATCH_SIZE


def test_only_the_failed_records_come_back(aws: Any, queue: StackResources):
    # Given a batch of which the function fails one record
    _send(aws, queue.queue_url, "good", "bad")
    handler = RecordingHandler(failing={"bad"})
    # (ingest's mapping takes one message at a time; the poller handles any batch size)
    poller = _poller(aws, queue, handler, batch_size=2)

    # When the poller runs twice
    poller.poll_once()
    poller.poll_once()

    # Then the second event holds the failed record only, received a second time
    (record,) = handler.events[1]["Records"]
    assert record["body"] == "bad"
    assert record["attributes"]["ApproximateReceiveCount"] == "2"


def test_a_function_that_raises_gets_the_whole_batch_again(aws: Any, queue: StackResources):
    _send(aws, queue.queue_url, "one", "two")
    handler = RecordingHandler(raises=True)
    poller = _poller(aws, queue, handler, batch_size=2)

    poller.poll_once()
    poller.poll_once()

    assert sorted(r["body"] for r in handler.events[1]["Records"]) == ["one", "two"]


def test_a_record_that_keeps_failing_moves_to_the_dlq(aws: Any, queue: StackResources):
    # Given a record the function always fails
    _send(aws, queue.queue_url, "poison")
    handler = RecordingHandler(failing={"poison"})
    poller = _poller(aws, queue, handler)

    # When the poller keeps polling
    for _ in range(layout.MAX_RECEIVE_COUNT + 2):
        poller.poll_once()

    # Then the function saw it MAX_RECEIVE_COUNT times, and the redrive policy moved it
    assert len(handler.events) == layout.MAX_RECEIVE_COUNT
    dead = aws.client("sqs").receive_message(QueueUrl=queue.dlq_url).get("Messages", [])
    assert [message["Body"] for message in dead] == ["poison"]
    assert _visible(aws, queue.queue_url) == 0


def test_an_upload_under_raw_notifies_the_queue_and_derived_files_do_not(
    aws: Any, queue: StackResources
):
    # Given the bucket's notification, configured from the shared layout
    s3 = aws.client("s3")
    raw = layout.raw_key("user-1", "doc-1", "report.pdf")

    # When a raw upload and a derived file are written
    s3.put_object(Bucket=queue.bucket_name, Key=raw, Body=b"%PDF-1.7")
    s3.put_object(Bucket=queue.bucket_name, Key=layout.chunks_key("user-1", "doc-1"), Body=b"[]")

    # Then the worker's queue hears of the raw upload only
    messages = aws.client("sqs").receive_message(QueueUrl=queue.queue_url, MaxNumberOfMessages=10)[
        "Messages"
    ]
    keys = [json.loads(m["Body"])["Records"][0]["s3"]["object"]["key"] for m in messages]
    # (moto URL-encodes the slashes too; the worker parses keys with parse_raw_key)
    assert [layout.parse_raw_key(key) for key in keys] == [layout.parse_raw_key(raw)]


class ScriptedSqs:
    """An SQS client whose receives answer from a script, one list of messages per call."""

    def __init__(self, *receives: list[str]) -> None:
        self.receives = list(receives)
        self.receive_calls: list[dict[str, Any]] = []
        self.deleted: list[str] = []

    def receive_message(self, **kwargs: Any) -> dict[str, Any]:
        self.receive_calls.append(kwargs)
        bodies = self.receives.pop(0) if self.receives else []
        return {
            "Messages": [
                {"MessageId": body, "ReceiptHandle": body, "Body": body, "MD5OfBody": "-"}
                for body in bodies
            ]
        }

    def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> None:
        self.deleted.append(ReceiptHandle)


def test_messages_that_arrive_within_the_window_join_the_batch():
    # Given a queue that yields one message, then another one a receive later
    sqs = ScriptedSqs(["first"], ["second"])
    handler = RecordingHandler()
    poller = SqsPoller(
        sqs=sqs,
        queue_url="queue",
        queue_arn="arn",
        region=REGION,
        invoke=handler,
        batch_size=2,
        window_seconds=60,
        retry_visibility_seconds=0,
        wait_seconds=1,
    )

    # When the poller takes one batch
    taken = poller.poll_once()

    # Then both went to the function as one event, and the batch stopped once full
    assert taken == 2
    (event,) = handler.events
    assert [record["body"] for record in event["Records"]] == ["first", "second"]
    assert [call["MaxNumberOfMessages"] for call in sqs.receive_calls] == [2, 1]
    assert [call["WaitTimeSeconds"] for call in sqs.receive_calls] == [1, 1]
    assert sqs.deleted == ["first", "second"]
