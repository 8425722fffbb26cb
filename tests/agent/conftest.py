"""moto-backed AWS for the `agent` function, the fake OpenAI server, and helpers to seed
READY documents (item + derived files) the way the ingest worker leaves them.

The store, events and Lambda context come from `tests.support`; `table`, `s3_client` and
`lambda_context` from `tests/conftest.py`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import base as parameters_base

from handlers.core.contracts.layout import chunks_key, embeddings_key, raw_key
from handlers.core.derived import LEGACY_FORMAT_VERSION
from handlers.core.derived.passage import Part, Passage
from handlers.core.derived.vectors import Embedder, matrix_npy
from handlers.core.documents.files import DocumentFiles
from handlers.core.documents.models import DocumentRecord, DocumentStatus
from handlers.core.documents.table import DocumentTable
from handlers.core.ids import new_id
from handlers.core.ingest.chunking import chunk_parts
from handlers.core.ingest.service import ExtractedText, write_ready
from handlers.core.llm.embeddings import OfflineEmbedder
from tests.agent.fake_openai import FakeOpenAI
from tests.support.aws import BUCKET as BUCKET
from tests.support.aws import REGION as REGION
from tests.support.aws import mocked_document_store, use_function_env
from tests.support.derived_files import legacy_chunks_bytes
from tests.support.events import USER_A as USER_A
from tests.support.events import USER_B as USER_B
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute, route_caller

# Read when `handlers.agent` is imported (Powertools Metrics): set before any test module.
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "DocAgentTest")

SECRET_NAME = "doc-agent/openai-api-key"
API_KEY = "sk-test-fake-key"
DIMENSIONS = 256

CallAgent = CallRoute
ConfigureAgent = Callable[..., None]


def reset_powertools_parameters() -> None:
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    providers = getattr(parameters_base, "DEFAULT_PROVIDERS")  # noqa: B009
    providers.clear()


def clear_agent_caches() -> None:
    from handlers import agent
    from handlers.core.llm import provider

    agent.settings.cache_clear()
    agent.agent_context.cache_clear()
    agent._reranker.cache_clear()
    provider._client.cache_clear()


def _reset_agent() -> None:
    reset_powertools_parameters()
    clear_agent_caches()


@pytest.fixture
def agent_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return use_function_env(
        monkeypatch,
        {
            "DAILY_QUESTION_LIMIT": "50",
            "DAILY_TOKEN_LIMIT": "100000",
            "EMBEDDING_DIMENSIONS": str(DIMENSIONS),
        },
    )


@pytest.fixture
def aws(agent_env: dict[str, str]) -> Iterator[None]:
    """A fresh moto account with the table and bucket; Powertools and handler caches reset."""
    with mocked_document_store(_reset_agent):
        yield


@pytest.fixture
def configure_agent(monkeypatch: pytest.MonkeyPatch, aws: None) -> ConfigureAgent:
    """`configure_agent(NAME="value", ...)`: change the agent's environment for this test."""

    def configure(**env: str) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        clear_agent_caches()

    return configure


@pytest.fixture
def openai_secret_arn(aws: None) -> str:
    client = boto3.client("secretsmanager", region_name=REGION)
    return str(client.create_secret(Name=SECRET_NAME, SecretString=API_KEY)["ARN"])


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def use_openai(
    configure_agent: ConfigureAgent, openai_secret_arn: str, fake_openai: FakeOpenAI
) -> FakeOpenAI:
    """Switch the agent to the `openai` provider, pointed at the fake server."""
    configure_agent(
        LLM_PROVIDER="openai",
        OPENAI_SECRET_ARN=openai_secret_arn,
        OPENAI_BASE_URL=fake_openai.base_url,
        OPENAI_MODEL="gpt-fake",
        LLM_MAX_RETRIES="2",
        LLM_TIMEOUT_SECONDS="1",
    )
    return fake_openai


@pytest.fixture
def call_agent(aws: None, lambda_context: FakeLambdaContext) -> CallAgent:
    """Call `handlers.agent.lambda_handler` with a REST proxy event."""
    from handlers import agent

    return route_caller(agent.lambda_handler, lambda_context)


class Library:
    """Seeds documents as the ingest worker leaves them, through ingest's own chunker and
    writer: the item and the derived files of format 2 (one part per text given, its page
    as given, or page 1), or with `legacy=True` as format 1 left them (`chunks.json` and
    `embeddings.npy`, which no code writes any more)."""

    def __init__(self, table: Any) -> None:
        self.documents = DocumentTable(table)
        self.s3 = boto3.client("s3", region_name=REGION)
        self.files = DocumentFiles(self.s3, BUCKET)

    def add(
        self,
        user_id: str,
        name: str,
        chunks: Sequence[str | tuple[int, str]],
        *,
        embedder: Embedder | None = None,
        status: DocumentStatus = DocumentStatus.READY,
        legacy: bool = False,
    ) -> str:
        embedder = embedder or OfflineEmbedder(DIMENSIONS)
        now = datetime.now(UTC)
        document_id = new_id()
        self.documents.put_new(
            DocumentRecord(
                document_id=document_id,
                name=name,
                content_type="text/plain",
                size=100,
                status=DocumentStatus.PENDING,
                created_at=now,
                updated_at=now,
                user_id=user_id,
                raw_key=raw_key(user_id, document_id, name),
            )
        )
        if status is DocumentStatus.PENDING:
            return document_id
        pages = [(c[0], c[1]) if isinstance(c, tuple) else (1, c) for c in chunks]
        if not legacy:
            self.write(user_id, document_id, pages, embedder)
            return document_id
        self.write(user_id, document_id, pages, embedder, legacy=True)
        self.documents.mark_ready(
            user_id,
            document_id,
            pages=max((page for page, _ in pages), default=1),
            chunks=len(pages),
            characters=sum(len(text) for _, text in pages),
            embedding_model=embedder.model_id,
            embedding_dimensions=embedder.dimensions,
            derived_format=LEGACY_FORMAT_VERSION,
            now=now,
        )
        return document_id

    def write(
        self,
        user_id: str,
        document_id: str,
        pages: Sequence[tuple[int, str]],
        embedder: Embedder,
        *,
        legacy: bool = False,
    ) -> None:
        """As ingest does it: one part per text given, passages cut by ingest's chunker,
        embedded and written by ingest's writer, then READY (again, when it already was).
        `legacy`: only the format-1 files, as an older ingest left them (no status change)."""
        if legacy:
            chunks = [
                Passage(document_id, "", i, page, text) for i, (page, text) in enumerate(pages)
            ]
            self.s3.put_object(
                Bucket=BUCKET,
                Key=chunks_key(user_id, document_id),
                Body=legacy_chunks_bytes(chunks),
            )
            matrix = embedder.embed([c.text for c in chunks])
            self.s3.put_object(
                Bucket=BUCKET, Key=embeddings_key(user_id, document_id), Body=matrix_npy(matrix)
            )
            return
        parts = [Part(i + 1, text, page=page) for i, (page, text) in enumerate(pages)]
        extracted = ExtractedText(
            pages=max((page for page, _ in pages), default=1),
            parts=parts,
            passages=chunk_parts(document_id, parts),
        )
        record = self.documents.get(user_id, document_id)
        ready = record is not None and record.status is DocumentStatus.READY
        write_ready(
            self.files, self.documents, user_id, document_id, extracted, embedder, reindex=ready
        )


@pytest.fixture
def library(table: Any) -> Library:
    return Library(table)
