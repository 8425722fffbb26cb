"""One document through the three functions in-process: created through `api`, its file put
where the browser's form would put it, delivered to `ingest` as S3 sends the notification
(with the upload's request id), and asked about through `agent`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import pytest

from handlers import agent, ingest
from handlers.core.llm import provider
from tests.support.aws import BUCKET
from tests.support.events import USER_A, s3_notification, sqs_event
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute, route_caller


@dataclass(frozen=True)
class Uploaded:
    document_id: str
    key: str
    size: int
    # The presigned POST's signature: it must never reach a log or a trace.
    signature: str
    s3_request_id: str


def upload(
    call_api: CallRoute,
    s3_client: Any,
    name: str,
    content_type: str,
    data: bytes,
    declared_size: int | None = None,
) -> Uploaded:
    """Create the document (declaring `declared_size`, by default the real one) and put `data`."""
    declared = len(data) if declared_size is None else declared_size
    result = call_api(
        "POST", "/documents", body={"name": name, "contentType": content_type, "size": declared}
    )
    assert result.status == 201, result.body
    fields = result.body["upload"]["fields"]
    response = s3_client.put_object(
        Bucket=BUCKET, Key=fields["key"], Body=data, ContentType=content_type
    )
    return Uploaded(
        document_id=result.body["document"]["documentId"],
        key=fields["key"],
        size=len(data),
        signature=fields["x-amz-signature"],
        s3_request_id=response["ResponseMetadata"]["RequestId"],
    )


def upload_event(*uploads: Uploaded, receive_count: int = 1) -> dict[str, Any]:
    """An SQS batch, one message an upload (ids `message-0`, `message-1`...)."""
    bodies = []
    for item in uploads:
        notification = s3_notification(item.key, item.size)
        notification["responseElements"] = {
            "x-amz-request-id": item.s3_request_id,
            "x-amz-id-2": "host-id",
        }
        bodies.append(json.dumps({"Records": [notification]}))
    return sqs_event(bodies, receive_count)


def deliver(
    context: FakeLambdaContext, *uploads: Uploaded, receive_count: int = 1
) -> dict[str, Any]:
    return ingest.lambda_handler(
        upload_event(*uploads, receive_count=receive_count), cast(Any, context)
    )


def _clear_agent_caches() -> None:
    agent.settings.cache_clear()
    agent.agent_context.cache_clear()
    provider._client.cache_clear()


@contextmanager
def agent_caller(
    context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CallRoute]:
    """`handlers.agent.lambda_handler` in the current moto account (offline provider)."""
    monkeypatch.setenv("DAILY_QUESTION_LIMIT", "10")
    monkeypatch.setenv("DAILY_TOKEN_LIMIT", "100000")
    _clear_agent_caches()
    try:
        yield route_caller(agent.lambda_handler, context)
    finally:
        _clear_agent_caches()


def ask(call_agent: CallRoute, question: str, *, user: str = USER_A) -> dict[str, Any]:
    conversation = call_agent("POST", "/conversations", user=user, body={}).body
    path = f"/conversations/{conversation['conversationId']}/messages"
    result = call_agent("POST", path, user=user, body={"question": question})
    assert result.status == 200, result.body
    return cast(dict[str, Any], result.body)
