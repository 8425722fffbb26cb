"""A raw upload gone before ingest, as S3 reports it to a role without bucket-wide ListBucket.

S3 answers HeadObject on a missing key with 403 (not 404) unless the caller may list the
bucket, and the ingest role may list document prefixes only. moto always says 404, so the
403 is injected at the botocore call.
"""

from __future__ import annotations

import json
from typing import Any, cast

import botocore.client
import pytest
from botocore.exceptions import ClientError

from handlers import ingest
from handlers.core.documents.files import DocumentFiles
from tests.handlers import samples
from tests.support.aws import BUCKET
from tests.support.events import s3_notification, sqs_event


@pytest.fixture
def head_is_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    real = botocore.client.BaseClient._make_api_call

    def call(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if operation == "HeadObject":
            raise ClientError(
                {"Error": {"Code": "403", "Message": "Forbidden"},
                 "ResponseMetadata": {"HTTPStatusCode": 403}},
                operation,
            )  # fmt: skip
        return real(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", call)


def test_size_of_a_key_s3_will_not_show_is_none(aws: None, head_is_forbidden: None) -> None:
    import boto3

    files = DocumentFiles(boto3.client("s3", region_name="us-east-1"), BUCKET)
    assert files.size_of("raw/u/d/gone.pdf") is None


def test_upload_deleted_before_ingest_is_acknowledged_not_retried(
    call_api: Any, lambda_context: Any, head_is_forbidden: None
) -> None:
    # Given a document whose upload is gone by the time its notification is processed
    created = call_api(
        "POST", "/documents", body={"name": "gone.pdf", "contentType": samples.PDF, "size": 100}
    )
    assert created.status == 201, created.body
    key = created.body["upload"]["fields"]["key"]

    # When the worker gets the notification and S3 answers its HeadObject with 403
    body = json.dumps({"Records": [s3_notification(key, 100)]})
    response = ingest.lambda_handler(sqs_event([body], 1), cast(Any, lambda_context))

    # Then the message is acknowledged (no retry towards the DLQ)
    assert response == {"batchItemFailures": []}
    # and the document does not show Processing forever: it failed, saying why
    document = call_api("GET", f"/documents/{created.body['document']['documentId']}").body
    assert document["document"]["status"] == "FAILED"
    assert "not found" in document["document"]["failureReason"]
