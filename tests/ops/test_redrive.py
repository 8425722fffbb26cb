"""`make redrive`: after a fix, the DLQ's messages go back to the ingest queue, the documents
that failed only because a service kept failing are reopened, and the worker finishes them."""

from __future__ import annotations

import json
from typing import Any, cast

import boto3
import pytest

from handlers import ingest
from handlers.core.contracts.layout import MAX_RECEIVE_COUNT
from handlers.core.ingest import service as ingest_document
from ops import redrive
from tests.handlers.document_flow import deliver, upload, upload_event
from tests.support.aws import BUCKET, REGION, TABLE
from tests.support.events import sqs_event
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute

TEXT = b"The redrive test says the ferry leaves from pier nine at noon. " * 10


@pytest.fixture
def queues(aws: None) -> tuple[Any, str, str]:
    sqs = boto3.client("sqs", region_name=REGION)
    dlq = str(sqs.create_queue(QueueName="ingest-dlq")["QueueUrl"])
    queue = str(sqs.create_queue(QueueName="ingest")["QueueUrl"])
    return sqs, dlq, queue


def status(call_api: CallRoute, document_id: str) -> dict[str, Any]:
    document: dict[str, Any] = call_api("GET", f"/documents/{document_id}").body["document"]
    return document


def test_redrive_moves_messages_back_and_the_worker_finishes_the_reopened_documents(
    call_api: CallRoute,
    s3_client: Any,
    queues: tuple[Any, str, str],
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sqs, dlq, queue = queues
    # Given an upload whose every delivery failed (a dependency was down): on the last one
    # the worker marked it FAILED, and SQS moved its message to the DLQ
    stuck = upload(call_api, s3_client, "ferry.txt", "text/plain", TEXT)

    def outage(*args: object, **kwargs: object) -> object:
        raise ConnectionError("the embedding service is down")

    with monkeypatch.context() as broken:
        broken.setattr(ingest, "ingest_object", outage)
        result = deliver(lambda_context, stuck, receive_count=MAX_RECEIVE_COUNT)
    assert result["batchItemFailures"]
    assert status(call_api, stuck.document_id)["failureReason"] == (
        ingest_document.RETRIES_EXHAUSTED_REASON
    )
    body = upload_event(stuck)["Records"][0]["body"]
    sqs.send_message(QueueUrl=dlq, MessageBody=body)
    # And a message that is not a notification at all
    sqs.send_message(QueueUrl=dlq, MessageBody="not json")

    # When the operator redrives after the fix
    report = redrive.redrive(sqs, boto3.resource("dynamodb").Table(TABLE), dlq, queue)

    # Then both messages moved, the document is PENDING again, and the DLQ is empty
    assert (report.moved, report.reopened) == (2, 1)
    assert status(call_api, stuck.document_id)["status"] == "PENDING"
    assert "Messages" not in sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=0)
    # And the worker, given the moved message, makes the document READY
    moved = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    bodies = [m["Body"] for m in moved]
    assert sorted(bodies) == sorted([body, "not json"])
    ingest.lambda_handler(sqs_event(bodies), cast(Any, lambda_context))
    assert status(call_api, stuck.document_id)["status"] == "READY"

    # And a second redrive has nothing to do
    again = redrive.redrive(sqs, boto3.resource("dynamodb").Table(TABLE), dlq, queue)
    assert (again.moved, again.reopened) == (0, 0)


def test_a_document_that_failed_for_its_file_is_not_reopened(
    call_api: CallRoute,
    s3_client: Any,
    queues: tuple[Any, str, str],
    lambda_context: FakeLambdaContext,
) -> None:
    sqs, dlq, queue = queues
    # Given a document FAILED because its file is not what it claims (a permanent problem)
    bad = upload(call_api, s3_client, "fake.txt", "text/plain", b"\x00\x01\x02 binary " * 50)
    deliver(lambda_context, bad)
    before = status(call_api, bad.document_id)
    assert before["status"] == "FAILED"
    sqs.send_message(
        QueueUrl=dlq, MessageBody=json.dumps(json.loads(upload_event(bad)["Records"][0]["body"]))
    )

    report = redrive.redrive(sqs, boto3.resource("dynamodb").Table(TABLE), dlq, queue)

    # Then the message moves but the document keeps its status and reason
    assert (report.moved, report.reopened) == (1, 0)
    assert status(call_api, bad.document_id) == before


def test_documents_the_dlq_consumer_failed_are_resent_after_a_fix(
    call_api: CallRoute,
    s3_client: Any,
    queues: tuple[Any, str, str],
    lambda_context: FakeLambdaContext,
) -> None:
    from datetime import UTC, datetime, timedelta

    from handlers import dead_letters
    from handlers.core.sweeper.store import IngestQueue, RawObjects

    sqs, _dlq, queue = queues
    # Given an upload whose every delivery ran out of memory: the DLQ consumer marked it
    # FAILED and drained the DLQ
    killed = upload(call_api, s3_client, "huge.txt", "text/plain", TEXT)
    dead_letters.dead_letter_context.cache_clear()
    try:
        dead_letters.lambda_handler(
            sqs_event([upload_event(killed)["Records"][0]["body"]], MAX_RECEIVE_COUNT),
            cast(Any, lambda_context),
        )
    finally:
        dead_letters.dead_letter_context.cache_clear()
    assert status(call_api, killed.document_id)["failureReason"] == (
        dead_letters.DEAD_LETTER_REASON
    )
    # And one FAILED for its file, which no fix changes
    bad = upload(call_api, s3_client, "fake.txt", "text/plain", b"\x00\x01\x02 binary " * 50)
    deliver(lambda_context, bad)
    table = boto3.resource("dynamodb").Table(TABLE)
    raw = RawObjects(s3_client, BUCKET)
    ingest_queue = IngestQueue(sqs, queue)

    # When the operator redrives what failed since before the incident (after the fix)
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert redrive.resend_failed(table, raw, ingest_queue, later) == 0
    earlier = datetime.now(UTC) - timedelta(hours=1)
    assert redrive.resend_failed(table, raw, ingest_queue, earlier) == 1

    # Then only the dead-lettered one is PENDING again, and the worker makes it READY
    assert status(call_api, killed.document_id)["status"] == "PENDING"
    assert status(call_api, bad.document_id)["status"] == "FAILED"
    (message,) = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    ingest.lambda_handler(sqs_event([message["Body"]]), cast(Any, lambda_context))
    assert status(call_api, killed.document_id)["status"] == "READY"
    # And a second redrive finds nothing more to resend
    assert redrive.resend_failed(table, raw, ingest_queue, earlier) == 0
