"""`scripts/reindex.py`: documents stored in format 1 are re-enqueued from `raw/` and the
ingest worker upgrades them in place, READY all along; running it again does nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import boto3
import pytest

from handlers import ingest
from handlers.core.contracts.layout import (
    PARTITION_KEY,
    SORT_KEY,
    bm25_key,
    chunks_key,
    document_sk,
    passages_key,
    user_pk,
)
from handlers.core.derived import FORMAT_VERSION
from handlers.core.derived.passage import Passage
from handlers.core.documents.files import DocumentFiles
from handlers.core.documents.models import DocumentStatus
from scripts.reindex import Target, created_message, reindex
from tests.handlers import samples
from tests.support.aws import BUCKET, REGION, TABLE
from tests.support.derived_files import legacy_chunks_bytes, read_stored_text
from tests.support.events import USER_A, USER_B, s3_notification, sqs_event
from tests.support.routes import CallRoute


@dataclass(frozen=True)
class Uploaded:
    user_id: str
    document_id: str
    key: str
    size: int


@pytest.fixture
def upload(call_api: CallRoute, s3_client: Any) -> Callable[..., Uploaded]:
    def create(name: str, data: bytes, *, user: str = USER_A) -> Uploaded:
        body = {"name": name, "contentType": samples.TEXT, "size": len(data)}
        if name.endswith(".pdf"):
            body["contentType"] = samples.PDF
        result = call_api("POST", "/documents", body=body, user=user)
        key = result.body["upload"]["fields"]["key"]
        s3_client.put_object(Bucket=BUCKET, Key=key, Body=data)
        return Uploaded(user, result.body["document"]["documentId"], key, len(data))

    return create


@pytest.fixture
def deliver(lambda_context: Any) -> Callable[..., dict[str, Any]]:
    def run(*uploads: Uploaded) -> dict[str, Any]:
        bodies = [json.dumps({"Records": [s3_notification(u.key, u.size)]}) for u in uploads]
        return ingest.lambda_handler(sqs_event(bodies), cast(Any, lambda_context))

    return run


@pytest.fixture
def files(aws: None) -> DocumentFiles:
    return DocumentFiles(boto3.client("s3", region_name=REGION), BUCKET)


def item_of(uploaded: Uploaded) -> dict[str, Any]:
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    key = {PARTITION_KEY: user_pk(uploaded.user_id), SORT_KEY: document_sk(uploaded.document_id)}
    item: dict[str, Any] = table.get_item(Key=key)["Item"]
    return item


def downgrade_to_format_1(item: Any) -> None:
    """What a document ingested before format 2 looks like: chunks.json, no version."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.delete_object(Bucket=BUCKET, Key=passages_key(item.user_id, item.document_id))
    s3.delete_object(Bucket=BUCKET, Key=bm25_key(item.user_id, item.document_id))
    chunk = Passage(item.document_id, "", 0, 1, "an old chunk spanning pages")
    s3.put_object(
        Bucket=BUCKET,
        Key=chunks_key(item.user_id, item.document_id),
        Body=legacy_chunks_bytes([chunk]),
    )
    boto3.resource("dynamodb", region_name=REGION).Table(TABLE).update_item(
        Key={PARTITION_KEY: user_pk(item.user_id), SORT_KEY: document_sk(item.document_id)},
        UpdateExpression="REMOVE derivedFormat",
    )


@pytest.fixture
def queue(aws: None) -> str:
    return str(boto3.client("sqs", region_name=REGION).create_queue(QueueName="ingest")["QueueUrl"])


def run_reindex(queue: str, user_id: str | None = None) -> Any:
    return reindex(
        Target(TABLE, BUCKET, queue),
        dynamodb=boto3.resource("dynamodb", region_name=REGION),
        s3=boto3.client("s3", region_name=REGION),
        sqs=boto3.client("sqs", region_name=REGION),
        user_id=user_id,
        dry_run=False,
    )


def drain(queue: str, lambda_context: Any) -> dict[str, Any]:
    """Deliver every queued message to the ingest worker, as the event source mapping does."""
    sqs = boto3.client("sqs", region_name=REGION)
    bodies: list[str] = []
    while True:
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
        messages = received.get("Messages", [])
        if not messages:
            break
        for message in messages:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return ingest.lambda_handler(sqs_event(bodies), cast(Any, lambda_context))


def test_format_1_documents_are_upgraded_and_stay_ready(
    upload: Any, deliver: Any, files: DocumentFiles, queue: str, lambda_context: Any
) -> None:
    # Given Alice's PDF stored in format 1, her current document, and Bob's format-1 one
    old = upload("handbook.pdf", samples.text_pdf(pages=3, words_per_page=250))
    current = upload("notes.txt", b"Already current.")
    bobs = upload("bob.txt", b"Bob's old notes.", user=USER_B)
    deliver(old, current, bobs)
    downgrade_to_format_1(old)
    downgrade_to_format_1(bobs)
    before = item_of(old)

    # When the operator re-indexes Alice's documents
    report = run_reindex(queue, USER_A)

    # Then only her format-1 document is queued, and until the worker runs it still answers
    assert report.queued == [old.document_id]
    assert report.current == 1
    assert item_of(old)["status"] == DocumentStatus.READY

    # And once the worker has run it is READY in the current format, on page-exact passages
    assert drain(queue, lambda_context) == {"batchItemFailures": []}
    after = item_of(old)
    assert after["status"] == DocumentStatus.READY
    assert after["pages"] == before["pages"] == 3
    assert int(after["derivedFormat"]) == FORMAT_VERSION
    stored = read_stored_text(files, old.user_id, old.document_id)
    assert {p.page for p in stored.passages} == {1, 2, 3}
    assert files.size_of(chunks_key(old.user_id, old.document_id)) is None
    # Bob's document was not touched
    assert files.size_of(chunks_key(USER_B, bobs.document_id)) is not None

    # When it runs again (every user), then only Bob's is left to do; Alice's is current
    again = run_reindex(queue)
    assert again.queued == [bobs.document_id]
    assert again.current == 2


def test_a_second_delivery_of_a_reindex_message_does_nothing(
    upload: Any, deliver: Any, queue: str, lambda_context: Any, s3_client: Any
) -> None:
    item = upload("notes.txt", b"Some notes to upgrade.")
    deliver(item)
    downgrade_to_format_1(item)
    run_reindex(queue, USER_A)
    message = created_message(BUCKET, item.key, item.size)

    drain(queue, lambda_context)
    versions = s3_client.list_object_versions(Bucket=BUCKET, Prefix=f"derived/{USER_A}/")
    response = ingest.lambda_handler(sqs_event([message]), cast(Any, lambda_context))

    assert response == {"batchItemFailures": []}
    versions_again = s3_client.list_object_versions(Bucket=BUCKET, Prefix=f"derived/{USER_A}/")
    assert len(versions_again["Versions"]) == len(versions["Versions"])


def test_a_document_without_its_raw_file_is_reported_not_queued(
    upload: Any, deliver: Any, queue: str
) -> None:
    item = upload("notes.txt", b"Some notes.")
    deliver(item)
    downgrade_to_format_1(item)
    boto3.client("s3", region_name=REGION).delete_object(Bucket=BUCKET, Key=item.key)

    report = run_reindex(queue, USER_A)

    assert (report.queued, report.missing_raw) == ([], [item.document_id])
    assert "without a raw file" in report.summary()


def test_the_message_is_the_one_s3_sends() -> None:
    key = "raw/u/d/my notes+v2.txt"
    assert json.loads(created_message(BUCKET, key, 12))["Records"][0] == {
        **s3_notification(key, 12),
        "eventName": "ObjectCreated:Put",
    }
