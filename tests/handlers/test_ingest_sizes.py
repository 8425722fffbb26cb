"""Ingest checks the stored object's real size against the declared one and records it."""

from __future__ import annotations

from typing import Any, cast

from handlers import ingest
from tests.handlers.document_flow import Uploaded, upload_event
from tests.support.aws import BUCKET
from tests.support.events import USER_A
from tests.support.routes import CallRoute

TEXT = "text/plain"


def _create(call_api: CallRoute, s3_client: Any, declared: int, data: bytes) -> Uploaded:
    result = call_api(
        "POST", "/documents", body={"name": "notes.txt", "contentType": TEXT, "size": declared}
    )
    assert result.status == 201, result.body
    key = result.body["upload"]["fields"]["key"]
    s3_client.put_object(Bucket=BUCKET, Key=key, Body=data, ContentType=TEXT)
    return Uploaded(result.body["document"]["documentId"], key, len(data), "", "request-id")


def _document(call_api: CallRoute, document_id: str) -> dict[str, Any]:
    result = call_api("GET", f"/documents/{document_id}", user=USER_A)
    return cast(dict[str, Any], result.body["document"])


def test_an_object_larger_than_declared_fails_with_its_real_size(
    call_api, s3_client, lambda_context
):
    # Given a document declared as 10 bytes whose stored object is 400 (a policy S3 would
    # refuse; the worker checks again)
    uploaded = _create(call_api, s3_client, 10, b"tea " * 100)

    # When the worker processes it
    ingest.lambda_handler(upload_event(uploaded), cast(Any, lambda_context))

    # Then it is FAILED saying so, and the API reports the real size
    document = _document(call_api, uploaded.document_id)
    assert document["status"] == "FAILED"
    assert "larger than the 10 bytes declared" in document["failureReason"]
    assert document["size"] == 400


def test_a_ready_document_reports_the_stored_size(call_api, s3_client, lambda_context):
    # Given a document declared larger than what arrived
    uploaded = _create(call_api, s3_client, 1000, b"a short note about tea")

    ingest.lambda_handler(upload_event(uploaded), cast(Any, lambda_context))

    document = _document(call_api, uploaded.document_id)
    assert document["status"] == "READY"
    assert document["size"] == len(b"a short note about tea")
