"""The sweeper repairs documents stuck in PENDING: an upload that never arrived becomes
FAILED; an ingestion that never finished is re-enqueued once (and the worker then finishes
it), and FAILED if it is still stuck after that. Every sweep is idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, cast

import boto3
import pytest

from handlers import sweeper
from handlers.core.clock import utc_now
from handlers.core.sweeper.rules import PROCESSING_STUCK, UPLOAD_NEVER_ARRIVED
from handlers.core.sweeper.settings import SweeperSettings
from tests.handlers.document_flow import Uploaded, upload
from tests.support.aws import REGION
from tests.support.events import sqs_event
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute

TEXT = b"The sweeper test document says the harbour opens at dawn. " * 20


@pytest.fixture
def queue_url(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = str(boto3.client("sqs", region_name=REGION).create_queue(QueueName="ingest")["QueueUrl"])
    monkeypatch.setenv("QUEUE_URL", url)
    monkeypatch.setenv("UPLOAD_URL_TTL_SECONDS", "900")
    monkeypatch.setenv("INGEST_TIMEOUT_SECONDS", "120")
    monkeypatch.setenv("SWEEP_MARGIN_SECONDS", "600")
    sweeper.sweep_context.cache_clear()
    yield url
    sweeper.sweep_context.cache_clear()


@pytest.fixture
def settings(queue_url: str) -> SweeperSettings:
    return SweeperSettings.from_env()


def run_sweep(
    monkeypatch: pytest.MonkeyPatch, context: FakeLambdaContext, at: datetime
) -> dict[str, int]:
    monkeypatch.setattr(sweeper, "utc_now", lambda: at)
    return sweeper.lambda_handler({"source": "aws.scheduler"}, cast(Any, context))


def status_of(call_api: CallRoute, document_id: str) -> dict[str, Any]:
    reply = call_api("GET", f"/documents/{document_id}")
    assert reply.status == 200, reply.body
    document: dict[str, Any] = reply.body["document"]
    return document


def create_only(call_api: CallRoute) -> str:
    reply = call_api(
        "POST", "/documents", body={"name": "never.txt", "contentType": "text/plain", "size": 10}
    )
    assert reply.status == 201, reply.body
    document_id: str = reply.body["document"]["documentId"]
    return document_id


def received(queue_url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    messages: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
    ).get("Messages", [])
    return messages


def test_an_upload_that_never_arrived_fails_after_the_url_lifetime_and_margin(
    call_api: CallRoute,
    settings: SweeperSettings,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a document whose client asked for an upload and never sent the file
    document_id = create_only(call_api)
    created = utc_now()

    # When the sweeper runs before the URL's lifetime plus the margin has passed
    early = run_sweep(monkeypatch, lambda_context, created + settings.upload_deadline / 2)
    # Then it waits
    assert early["abandon"] == 0
    assert status_of(call_api, document_id)["status"] == "PENDING"

    # When it runs after the deadline
    late = created + settings.upload_deadline + timedelta(seconds=5)
    report = run_sweep(monkeypatch, lambda_context, late)

    # Then the document is FAILED with a reason the user can read, and the site stops waiting
    assert report["abandon"] == 1
    document = status_of(call_api, document_id)
    assert document["status"] == "FAILED"
    assert document["failureReason"] == UPLOAD_NEVER_ARRIVED

    # And a second sweep changes nothing
    again = run_sweep(monkeypatch, lambda_context, late + timedelta(minutes=5))
    assert again["examined"] == 0
    assert again["abandon"] == 0


def test_a_stuck_ingestion_is_re_enqueued_once_and_the_worker_then_finishes_it(
    call_api: CallRoute,
    s3_client: Any,
    queue_url: str,
    settings: SweeperSettings,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an uploaded file whose notification was lost (ingest never ran)
    uploaded: Uploaded = upload(call_api, s3_client, "harbour notes.txt", "text/plain", TEXT)
    arrived = utc_now()

    # When the sweeper runs past the processing deadline
    due = arrived + settings.processing_deadline + timedelta(seconds=5)
    report = run_sweep(monkeypatch, lambda_context, due)

    # Then the upload is delivered to the queue again, as S3 would have delivered it
    assert report["requeue"] == 1
    messages = received(queue_url)
    assert len(messages) == 1
    assert status_of(call_api, uploaded.document_id)["status"] == "PENDING"

    # And the ingest worker turns that message into a READY document
    from handlers import ingest

    result = ingest.lambda_handler(sqs_event([messages[0]["Body"]], 1), cast(Any, lambda_context))
    assert result["batchItemFailures"] == []
    assert status_of(call_api, uploaded.document_id)["status"] == "READY"

    # And a sweep after that leaves the READY document alone
    later = run_sweep(monkeypatch, lambda_context, due + settings.processing_deadline * 2)
    assert later["examined"] == 0


def test_an_ingestion_still_stuck_after_the_re_enqueue_fails_with_a_reason(
    call_api: CallRoute,
    s3_client: Any,
    queue_url: str,
    settings: SweeperSettings,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an upload the worker never finishes (it times out on every delivery)
    uploaded = upload(call_api, s3_client, "slow.txt", "text/plain", TEXT)
    first = utc_now() + settings.processing_deadline + timedelta(seconds=5)
    assert run_sweep(monkeypatch, lambda_context, first)["requeue"] == 1

    # When the sweep runs again within the new deadline, it waits (the count is not spent)
    assert run_sweep(monkeypatch, lambda_context, first + timedelta(minutes=1))["requeue"] == 0

    # When it runs once the re-enqueued delivery has had its full time
    second = first + settings.processing_deadline + timedelta(seconds=5)
    report = run_sweep(monkeypatch, lambda_context, second)

    # Then the document is FAILED with a reason, and only one message was ever re-enqueued
    assert report["fail"] == 1
    assert report["requeue"] == 0
    document = status_of(call_api, uploaded.document_id)
    assert document["status"] == "FAILED"
    assert document["failureReason"] == PROCESSING_STUCK
    assert len(received(queue_url)) == 1


def test_finished_documents_and_fresh_uploads_are_left_alone(
    call_api: CallRoute,
    s3_client: Any,
    queue_url: str,
    settings: SweeperSettings,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a READY document and a document created a moment ago
    ready = upload(call_api, s3_client, "ready.txt", "text/plain", TEXT)
    from handlers import ingest
    from tests.handlers.document_flow import upload_event

    ingest.lambda_handler(upload_event(ready), cast(Any, lambda_context))
    assert status_of(call_api, ready.document_id)["status"] == "READY"

    # When the sweeper runs far in the future for the READY one, and now for a fresh one
    fresh = create_only(call_api)
    report = run_sweep(monkeypatch, lambda_context, utc_now() + timedelta(minutes=1))
    assert report == {"examined": 0, "wait": 0, "abandon": 0, "requeue": 0, "fail": 0}
    later = run_sweep(monkeypatch, lambda_context, utc_now() + timedelta(days=3))

    # Then only the never-uploaded one changed; the READY one kept its status and nothing
    # was enqueued
    assert later["abandon"] == 1
    assert later["examined"] == 1
    assert status_of(call_api, ready.document_id)["status"] == "READY"
    assert status_of(call_api, fresh)["status"] == "FAILED"
    assert received(queue_url) == []


def test_the_deadlines_follow_the_upload_url_and_the_worker_settings(
    settings: SweeperSettings,
) -> None:
    # 900 s URL + 600 s margin; 5 receives x (6 x 120 s visibility) + 600 s margin
    assert settings.upload_deadline == timedelta(seconds=1500)
    assert settings.processing_deadline == timedelta(seconds=5 * 720 + 600)
