"""The ingest DLQ's consumer through `handlers.dead_letters.lambda_handler`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

import pytest

from handlers import dead_letters, ingest
from handlers.dead_letters import DEAD_LETTER_REASON
from tests.handlers.document_flow import upload, upload_event
from tests.support.events import s3_notification, sqs_event


@pytest.fixture
def consumer(aws: None) -> Iterator[None]:
    dead_letters.dead_letter_context.cache_clear()
    yield
    dead_letters.dead_letter_context.cache_clear()


def _status(call_api: Any, document_id: str) -> dict[str, Any]:
    return cast(dict[str, Any], call_api("GET", f"/documents/{document_id}").body["document"])


def test_a_dead_lettered_upload_is_marked_failed_with_a_reason(
    consumer, call_api, s3_client, lambda_context, capsys
):
    # Given an upload whose message was dead-lettered while its document was PENDING,
    # declared smaller than what was stored (S3's notification carries the real size)
    data = b"about tea"
    uploaded = upload(call_api, s3_client, "notes.txt", "text/plain", data, declared_size=3)
    assert _status(call_api, uploaded.document_id)["size"] == 3

    # When the consumer gets the message
    response = dead_letters.lambda_handler(
        upload_event(uploaded, receive_count=1), cast(Any, lambda_context)
    )

    # Then the message is acknowledged and the document FAILED with the real size
    assert response == {"batchItemFailures": []}
    document = _status(call_api, uploaded.document_id)
    assert document["status"] == "FAILED"
    assert document["failureReason"] == DEAD_LETTER_REASON
    assert document["size"] == len(data)
    # and it is counted for the alarm
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    assert any(item.get("DocumentsDeadLettered") == [1.0] for item in emitted)


def test_a_document_that_finished_meanwhile_is_left_alone(
    consumer, call_api, s3_client, lambda_context
):
    # Given an upload the worker finished after all (a late delivery succeeded)
    uploaded = upload(call_api, s3_client, "notes.txt", "text/plain", b"about tea")
    ingest.lambda_handler(upload_event(uploaded), cast(Any, lambda_context))
    assert _status(call_api, uploaded.document_id)["status"] == "READY"

    # When its message is dead-lettered anyway
    dead_letters.lambda_handler(upload_event(uploaded), cast(Any, lambda_context))

    # Then it stays READY
    assert _status(call_api, uploaded.document_id)["status"] == "READY"


def test_messages_that_name_no_document_are_acknowledged(consumer, lambda_context, table):
    bodies = [
        "not json",
        json.dumps({"Event": "s3:TestEvent"}),
        json.dumps({"Records": [s3_notification("derived/x/y/chunks.json", 10)]}),
    ]

    response = dead_letters.lambda_handler(sqs_event(bodies, 5), cast(Any, lambda_context))

    assert response == {"batchItemFailures": []}
    assert table.scan()["Items"] == []
