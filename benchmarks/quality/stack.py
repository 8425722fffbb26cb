"""The product in-process, as a user meets it: documents uploaded through `api`, delivered to
`ingest` as S3 notifies it, questions asked through `agent`, all against moto.

The agent reranks with its cross-encoder unless `reranker=False`. `offline` runs the
offline provider; `openai` runs the OpenAI provider against the fake
OpenAI-compatible server of the tests (`tests/agent/fake_openai.py`) with a scripted reader
in place of the chat model (`reader_model`). Answers are read through the API's public
fields only (documentId, page, section, excerpt), so a change of the derived format or of
the citation's extra fields does not change what is measured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import base as parameters_base
from moto import mock_aws

from benchmarks.quality.answers import Answer, CitationView, Mode
from benchmarks.quality.labels import DocumentSpec
from benchmarks.quality.reader_model import answer_from_tool_results
from lambda_build.model_files import RERANKER
from tests.agent.fake_openai import FakeOpenAI
from tests.handlers.document_flow import deliver, upload
from tests.support.aws import REGION, create_document_store, use_function_env
from tests.support.events import USER_A
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute, route_caller

SECRET_NAME = "doc-agent/openai-api-key"  # noqa: S105 (a name, not a secret)
# Tool rounds the agent may use; the reader model needs two requests (search, answer).
MAX_TOOL_ROUNDS = 4

_ENV = {
    "MAX_UPLOAD_BYTES": str(50 * 1024 * 1024),
    "MAX_PAGES": "2000",
    "EMBEDDING_DIMENSIONS": "256",
    "DAILY_QUESTION_LIMIT": "100000",
    "DAILY_TOKEN_LIMIT": "100000000",
    "MAX_TOOL_ROUNDS": str(MAX_TOOL_ROUNDS),
    # EMF metric lines on stdout would bury the report; X-Ray has no daemon here.
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
}


@dataclass(frozen=True)
class Ingested:
    document_id: str
    pages: int | None
    chunks: int | None


class ProductStack:
    """`with ProductStack(mode) as stack:` a fresh moto account with the document store."""

    def __init__(self, mode: Mode, *, reranker: bool = True) -> None:
        self.mode = mode
        self.reranker = reranker
        self._patch = pytest.MonkeyPatch()
        self._mock = mock_aws()
        self._context = FakeLambdaContext()
        self._fake: FakeOpenAI | None = None

    def __enter__(self) -> Self:
        use_function_env(self._patch, _ENV)
        if self.reranker:
            # The agent's cross-encoder, as the build ships it (`lambda_build/model_files.py`).
            self._patch.setenv("RERANKER_MODEL_DIR", str(RERANKER.model_dir()))
        self._mock.start()
        create_document_store()
        if self.mode == "openai":
            self._fake = FakeOpenAI().start()
            secret = boto3.client("secretsmanager", region_name=REGION).create_secret(
                Name=SECRET_NAME, SecretString="sk-benchmark-fake"
            )
            for name, value in {
                "LLM_PROVIDER": "openai",
                "OPENAI_SECRET_ARN": secret["ARN"],
                "OPENAI_BASE_URL": self._fake.base_url,
                "OPENAI_MODEL": "gpt-fake",
                "LLM_TIMEOUT_SECONDS": "10",
                "LLM_MAX_RETRIES": "0",
            }.items():
                self._patch.setenv(name, value)
        _clear_handler_caches()
        from handlers import agent, api

        self._call_api = route_caller(api.lambda_handler, self._context)
        self._call_agent: CallRoute = route_caller(agent.lambda_handler, self._context)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _clear_handler_caches()
        if self._fake is not None:
            self._fake.stop()
        self._mock.stop()
        self._patch.undo()

    def ingest(self, spec: DocumentSpec, data: bytes) -> Ingested:
        """Upload and ingest one document; raises if it does not end READY."""
        s3 = boto3.client("s3", region_name=REGION)
        uploaded = upload(self._call_api, s3, spec.file_name, spec.content_type, data)
        result = deliver(self._context, uploaded)
        if result.get("batchItemFailures"):
            raise RuntimeError(f"{spec.key}: ingest failed: {result}")
        document = self._call_api("GET", f"/documents/{uploaded.document_id}").body["document"]
        if document.get("status") != "READY":
            raise RuntimeError(f"{spec.key}: ingest ended {document.get('status')}: {document}")
        return Ingested(uploaded.document_id, document.get("pages"), document.get("chunks"))

    def ask(self, question: str) -> Answer:
        """The question in a new conversation over every READY document."""
        conversation = self._call_agent("POST", "/conversations", user=USER_A, body={}).body
        path = f"/conversations/{conversation['conversationId']}/messages"
        if self._fake is not None:
            # A fresh script per question: one reader per chat request the loop may make.
            self._fake.chat_replies.clear()
            self._fake.chat_replies.extend([answer_from_tool_results] * (MAX_TOOL_ROUNDS + 1))
        started = time.perf_counter()
        result = self._call_agent("POST", path, user=USER_A, body={"question": question})
        seconds = time.perf_counter() - started
        if result.status != 200:
            raise RuntimeError(f"asking {question!r} failed: {result.status} {result.body}")
        return Answer(
            text=str(result.body["answer"]),
            citations=[_citation(item) for item in result.body.get("citations") or []],
            seconds=seconds,
            grounding=str(result.body["grounding"]),
        )


def _citation(item: dict[str, Any]) -> CitationView:
    return CitationView(
        document_id=str(item["documentId"]),
        page=item.get("page"),
        section=item.get("section"),
        excerpt=str(item.get("excerpt") or ""),
    )


def _clear_handler_caches() -> None:
    """Every cached setting, client and context of the three functions, and Powertools'
    parameter cache, so nothing from one stack reaches into the next one's account."""
    from handlers import agent, api, ingest
    from handlers.core.llm import provider

    for module in (api, ingest, agent):
        for name in dir(module):
            cached = getattr(module, name)
            if callable(cached) and hasattr(cached, "cache_clear"):
                cached.cache_clear()
    provider._client.cache_clear()
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    getattr(parameters_base, "DEFAULT_PROVIDERS").clear()  # noqa: B009
