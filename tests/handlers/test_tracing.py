"""X-Ray tracing: each function has a Powertools Tracer, off in tests. Switched on with an
in-memory emitter, an invocation records the captured use cases as subsegments annotated
with short codes, and the trace holds no user content (text, question, names, user id,
presigned signature)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aws_lambda_powertools import Tracer
from aws_xray_sdk import global_sdk_config  # type: ignore[import-untyped]
from aws_xray_sdk.core import xray_recorder  # type: ignore[import-untyped]
from aws_xray_sdk.core.context import Context  # type: ignore[import-untyped]

from handlers import agent, api, ingest
from handlers.core.runtime import tracing
from lambda_build.model_files import RERANKER
from tests.handlers.document_flow import deliver, upload
from tests.support.events import USER_A
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute

SECRET_TEXT = "The vault combination is zebra-quartz-4417."
QUESTION = "What is the combination of the vault mentioned in the notes?"
DOCUMENT_NAME = "private-notes-of-someone.md"


class MemoryEmitter:
    """Keeps what the recorder would send to the X-Ray daemon."""

    def __init__(self) -> None:
        self.entities: list[Any] = []

    def send_entity(self, entity: Any) -> None:
        self.entities.append(entity)

    def set_daemon_address(self, address: str | None) -> None:
        pass


@dataclass
class Trace:
    document: str  # the segment as the daemon would receive it (JSON)
    annotations: dict[str, dict[str, Any]] = field(default_factory=dict)  # by subsegment name


def _collect(entity: Any, trace: Trace) -> None:
    for subsegment in entity.subsegments:
        trace.annotations[subsegment.name] = dict(subsegment.annotations)
        _collect(subsegment, trace)


Traced = Callable[[Callable[[], object]], Trace]


TRACERS = (api.tracer, ingest.tracer, agent.tracer, tracing.tracer)


@pytest.fixture
def agent_with_reranker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RERANKER_MODEL_DIR", str(RERANKER.model_dir()))
    agent.settings.cache_clear()
    agent._reranker.cache_clear()
    yield
    agent.settings.cache_clear()
    agent._reranker.cache_clear()


@pytest.fixture
def traced(monkeypatch: pytest.MonkeyPatch) -> Traced:
    """Run an action inside a sampled segment with every Tracer on; returns its trace.

    Tracing is on only during the action: like Lambda's facade segment, ours is open
    whenever a traced handler runs."""
    emitter = MemoryEmitter()
    monkeypatch.setattr(xray_recorder, "context", Context(context_missing="LOG_ERROR"))
    monkeypatch.setattr(xray_recorder, "emitter", emitter)
    monkeypatch.setattr(xray_recorder, "sampling", False)  # sample everything, no rule polling
    monkeypatch.setattr(xray_recorder, "streaming_threshold", 10_000)  # one document per trace

    def run(action: Callable[[], object]) -> Trace:
        emitter.entities.clear()
        was_enabled = global_sdk_config.sdk_enabled()
        global_sdk_config.set_sdk_enabled(True)
        for tracer in TRACERS:
            tracer.disabled = False
        xray_recorder.begin_segment("doc-agent-test")
        try:
            action()
        finally:
            xray_recorder.end_segment()
            for tracer in TRACERS:
                tracer.disabled = True
            global_sdk_config.set_sdk_enabled(was_enabled)
        (segment,) = emitter.entities
        trace = Trace(document=segment.serialize())
        _collect(segment, trace)
        return trace

    return run


def _assert_no_user_content(trace: Trace, *private: str) -> None:
    for value in (USER_A, SECRET_TEXT, QUESTION, DOCUMENT_NAME, *private):
        assert value not in trace.document


def test_each_function_has_its_tracer_and_tests_keep_it_off():
    assert os.environ["POWERTOOLS_TRACE_DISABLED"] == "true"
    for module, service in ((api, "api"), (ingest, "ingest"), (agent, "agent")):
        assert isinstance(module.tracer, Tracer)
        assert module.tracer.service == service
        assert module.tracer.disabled


def test_api_trace_keeps_neither_the_response_nor_the_upload_form(
    traced: Traced, call_api: CallRoute
):
    # When a document is created with tracing on
    results = []
    trace = traced(
        lambda: results.append(
            call_api(
                "POST",
                "/documents",
                body={"name": DOCUMENT_NAME, "contentType": "text/markdown", "size": 10},
            )
        )
    )

    # Then the invocation is a subsegment of its own
    (result,) = results
    assert result.status == 201
    assert trace.annotations["## lambda_handler"]["Service"] == "api"
    # and neither the presigned form nor the name nor the caller is in the trace
    fields = result.body["upload"]["fields"]
    _assert_no_user_content(trace, fields["x-amz-signature"], fields["policy"], fields["key"])


def test_ingest_traces_extraction_and_embedding_with_the_outcome(
    traced: Traced, call_api: CallRoute, s3_client: Any, lambda_context: FakeLambdaContext
):
    # Given an uploaded Markdown file
    item = upload(call_api, s3_client, DOCUMENT_NAME, "text/markdown", SECRET_TEXT.encode())

    # When the ingest function processes its notification with tracing on
    trace = traced(lambda: deliver(lambda_context, item))

    # Then the upload, the extraction and the embedding are subsegments
    upload_segment = trace.annotations["## handlers.ingest.ingest_upload"]
    assert upload_segment["outcome"] == "READY"
    # (the bounded child's work is one subsegment of the worker: the child sends none)
    extraction = trace.annotations["## handlers.core.ingest.service.extract_in_child"]
    assert extraction["content_kind"] == "md"
    assert "## handlers.core.llm.embeddings.OfflineEmbedder.embed" in trace.annotations
    # and no user content or object key is recorded
    _assert_no_user_content(trace, item.key, item.signature)


def test_ingest_trace_annotates_a_failed_document_with_its_reason(
    traced: Traced, call_api: CallRoute, s3_client: Any, lambda_context: FakeLambdaContext
):
    # Given a "PDF" that is not one
    item = upload(call_api, s3_client, "fake.pdf", "application/pdf", b"not a pdf at all")

    # When it is ingested with tracing on
    trace = traced(lambda: deliver(lambda_context, item))

    # Then the upload's subsegment says FAILED and why, in codes
    annotations = trace.annotations["## handlers.ingest.ingest_upload"]
    assert annotations["outcome"] == "FAILED"
    assert annotations["reason_code"]
    assert " " not in annotations["reason_code"]


def test_agent_traces_retrieval_and_the_answer_without_the_question(
    traced: Traced,
    call_api: CallRoute,
    s3_client: Any,
    lambda_context: FakeLambdaContext,
    call_agent: CallRoute,
    agent_with_reranker: None,
):
    # Given a READY document, and the agent with its reranker
    item = upload(call_api, s3_client, DOCUMENT_NAME, "text/markdown", SECRET_TEXT.encode())
    deliver(lambda_context, item)
    conversation = call_agent("POST", "/conversations", body={}).body
    path = f"/conversations/{conversation['conversationId']}/messages"

    # When a question about it is asked with tracing on
    results = []
    trace = traced(lambda: results.append(call_agent("POST", path, body={"question": QUESTION})))

    # Then retrieval and the answer are subsegments, and the outcome and model annotated
    (result,) = results
    assert result.status == 200, result.body
    assert "zebra-quartz-4417" in result.body["answer"]
    assert "## handlers.core.llm.tools.AgentTools.gated_search" in trace.annotations
    assert "## handlers.core.retrieval.reranker.Reranker.rerank" in trace.annotations
    assert "## handlers.core.llm.offline.OfflineAnswerer.answer" in trace.annotations
    handler = trace.annotations["## lambda_handler"]
    assert (handler["outcome"], handler["model"], handler["Service"]) == (
        "answered",
        "offline",
        "agent",
    )
    # and neither the question, the answer nor the document's text is in the trace
    _assert_no_user_content(trace, result.body["answer"], "zebra-quartz-4417")


def test_agent_trace_annotates_a_refused_question_with_its_code(
    traced: Traced,
    call_api: CallRoute,
    s3_client: Any,
    lambda_context: FakeLambdaContext,
    call_agent: CallRoute,
):
    # Given a conversation that does not exist
    missing = "/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV/messages"

    # When a question is asked in it with tracing on
    trace = traced(lambda: call_agent("POST", missing, body={"question": QUESTION}))

    # Then the handler's subsegment carries the error code
    assert trace.annotations["## lambda_handler"]["outcome"] == "not_found"
    _assert_no_user_content(trace)


def test_s3_object_keys_stay_out_of_traces():
    # Given the parameters X-Ray's botocore patch records for S3 calls, which name the key
    from aws_xray_sdk.ext import boto_utils  # type: ignore[import-untyped]

    recorded_for_s3 = boto_utils.whitelist["services"]["s3"]["operations"]

    # When the functions' tracing setup has run (in Lambda it runs when tracing is on)
    tracing.keep_object_keys_out_of_traces()

    # Then keys, prefixes and copy sources (user id and file name) are no longer recorded
    kept = json.dumps(recorded_for_s3)
    assert all(name not in kept for name in ('"Key"', '"Prefix"', '"CopySource"'))
    # but the bucket still is
    bucket = recorded_for_s3["GetObject"]["request_descriptors"]["Bucket"]
    assert bucket == {"rename_to": "bucket_name"}
