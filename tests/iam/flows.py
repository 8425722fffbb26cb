"""A representative run of the three functions in one moto account, every AWS call recorded:
upload → ingest → download → ask → delete, an upload whose document is deleted before and
during ingestion, an orphan upload, and the openai provider (its key read from Secrets
Manager by `ingest` and `agent`, the model served by the fake OpenAI server)."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import unquote, urlsplit

import boto3
import pytest

from handlers import dead_letters, ingest
from handlers.core.contracts.layout import raw_key
from handlers.core.ids import new_id
from tests.agent.conftest import reset_powertools_parameters
from tests.agent.fake_openai import FakeOpenAI, answer_message, tool_call_message
from tests.handlers import document_flow
from tests.handlers.document_flow import (
    Uploaded,
    agent_caller,
    ask,
    deliver,
    upload,
    upload_event,
)
from tests.support.aws import BUCKET, REGION
from tests.support.events import USER_A
from tests.support.invocations import invoking
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute, route_caller

TEXT = "text/plain"


def clear_function_caches() -> None:
    from handlers import agent, api, dead_letters

    for module in (api, ingest, agent, dead_letters):
        for name in dir(module):
            cached = getattr(module, name)
            if callable(cached) and hasattr(cached, "cache_clear"):
                cached.cache_clear()
    document_flow._clear_agent_caches()
    reset_powertools_parameters()


def browser_upload(call_api: CallRoute, name: str, data: bytes) -> Uploaded:
    """The form's POST acts with the role that signed it: the browser's put is `api`'s."""
    with invoking("api"):
        return upload(call_api, boto3.client("s3", region_name=REGION), name, TEXT, data)


def browser_download(call_api: CallRoute, document_id: str) -> None:
    """GET the presigned download URL, as `api`'s role (its signer)."""
    url = call_api("GET", f"/documents/{document_id}").body["downloadUrl"]
    assert url, "a READY document has a download URL"
    parts = urlsplit(url)
    path = unquote(parts.path).lstrip("/")
    key = path if parts.netloc.startswith(f"{BUCKET}.") else path.removeprefix(f"{BUCKET}/")
    with invoking("api"):
        boto3.client("s3", region_name=REGION).get_object(Bucket=BUCKET, Key=key)


def ingest_batch(context: FakeLambdaContext, *uploads: Uploaded) -> dict[str, Any]:
    with invoking("ingest"):
        return deliver(context, *uploads)


def offline_flow(context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch) -> None:
    from handlers import api

    call_api = route_caller(api.lambda_handler, context)
    # Upload, ingest, list, download.
    item = browser_upload(call_api, "notes.txt", b"The warranty lasts two years.")
    assert ingest_batch(context, item) == {"batchItemFailures": []}
    assert call_api("GET", "/documents").status == 200
    browser_download(call_api, item.document_id)
    # Ask, read the conversation back, delete it.
    with agent_caller(context, monkeypatch) as call_agent:
        message = ask(call_agent, "How long is the warranty?")
        assert message["citations"], message
        # Open the cited page, as the site's citation view does.
        part = message["citations"][0]["part"]
        assert call_agent("GET", f"/documents/{item.document_id}/parts/{part}").status == 200
        conversations = call_agent("GET", "/conversations").body["items"]
        conversation_id = conversations[0]["conversationId"]
        assert call_agent("GET", f"/conversations/{conversation_id}").status == 200
        feedback = f"/conversations/{conversation_id}/messages/{message['messageId']}/feedback"
        assert call_agent("PUT", feedback, body={"rating": "down"}).status == 200
        assert call_agent("DELETE", f"/conversations/{conversation_id}").status == 204
    # Delete the document.
    assert call_api("DELETE", f"/documents/{item.document_id}").status == 204
    # An upload whose document was deleted before the worker got to it.
    late = browser_upload(call_api, "late.txt", b"deleted first")
    assert call_api("DELETE", f"/documents/{late.document_id}").status == 204
    assert ingest_batch(context, late) == {"batchItemFailures": []}
    # An upload whose document is deleted while the worker embeds it.
    raced = browser_upload(call_api, "race.txt", b"words to embed")
    worker = ingest.ingest_context()
    real = worker.embedder()

    class DeletingEmbedder:
        model_id = real.model_id
        dimensions = real.dimensions

        def embed(self, texts: Any) -> Any:
            assert call_api("DELETE", f"/documents/{raced.document_id}").status == 204
            return real.embed(texts)

    monkeypatch.setattr(worker, "_embedder", DeletingEmbedder())
    assert ingest_batch(context, raced) == {"batchItemFailures": []}
    # An orphan: an object under raw/ whose document never existed.
    orphan_id = new_id()
    key = raw_key(USER_A, orphan_id, "orphan.txt")
    boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key=key, Body=b"?")
    orphan = Uploaded(orphan_id, key, 1, signature="", s3_request_id="orphan")
    assert ingest_batch(context, orphan) == {"batchItemFailures": []}
    # An upload whose message was dead-lettered: its consumer marks the document FAILED.
    lost = browser_upload(call_api, "lost.txt", b"never finished")
    with invoking("dead_letters"):
        response = dead_letters.lambda_handler(upload_event(lost), cast(Any, context))
    assert response == {"batchItemFailures": []}
    assert call_api("GET", f"/documents/{lost.document_id}").body["document"]["status"] == "FAILED"


def openai_flow(
    context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    fake_openai: FakeOpenAI,
    secret_arn: str,
) -> None:
    from handlers import api

    for name, value in {
        "LLM_PROVIDER": "openai",
        "OPENAI_SECRET_ARN": secret_arn,
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_MODEL": "gpt-fake",
        "LLM_MAX_RETRIES": "0",
        "LLM_TIMEOUT_SECONDS": "5",
    }.items():
        monkeypatch.setenv(name, value)
    clear_function_caches()
    call_api = route_caller(api.lambda_handler, context)
    item = browser_upload(call_api, "manual.txt", b"The warranty lasts two years.")
    assert ingest_batch(context, item) == {"batchItemFailures": []}
    fake_openai.chat_replies.extend(
        [
            tool_call_message(("search_documents", {"query": "warranty"})),
            answer_message("Two years."),
        ]
    )
    # Another container: the key `ingest` read is not cached for `agent`.
    reset_powertools_parameters()
    with agent_caller(context, monkeypatch) as call_agent:
        message = ask(call_agent, "How long is the warranty?")
        assert message["model"] == "gpt-fake", message
