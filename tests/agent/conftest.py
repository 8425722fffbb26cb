"""moto-backed AWS for the `agent` function, the fake OpenAI server, and helpers to seed
READY documents (item + derived files) the way the ingest worker leaves them.

The table and bucket are built from `handlers.core.layout`, like the Pulumi components.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import boto3
import numpy as np
import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import base as parameters_base
from moto import mock_aws

from handlers.core.documents.models import DocumentRecord, DocumentStatus
from handlers.core.documents.table import DocumentTable
from handlers.core.ids import new_id
from handlers.core.layout import (
    KEY_ATTRIBUTES,
    PARTITION_KEY,
    SORT_KEY,
    TTL_ATTRIBUTE,
    chunks_key,
    embeddings_key,
    raw_key,
)
from handlers.core.llm.embeddings import Embedder, OfflineEmbedder
from handlers.core.retrieval.passages import Chunk, dump_chunks
from tests.agent.events import agent_event
from tests.agent.fake_openai import FakeOpenAI

# Read when `handlers.agent` is imported (Powertools Metrics): set before any test module.
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "DocAgentTest")

REGION = "us-east-1"
TABLE = "doc-agent-agent-test"
BUCKET = "doc-agent-agent-test-documents"
SECRET_NAME = "doc-agent/openai-api-key"
API_KEY = "sk-test-fake-key"
DIMENSIONS = 256
USER_A = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
USER_B = "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb"


def reset_powertools_parameters() -> None:
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    providers = getattr(parameters_base, "DEFAULT_PROVIDERS")  # noqa: B009
    providers.clear()


def clear_agent_caches() -> None:
    from handlers import agent
    from handlers.core.llm import provider

    agent.settings.cache_clear()
    agent.agent_context.cache_clear()
    provider._client.cache_clear()


@pytest.fixture
def agent_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "TABLE_NAME": TABLE,
        "BUCKET_NAME": BUCKET,
        "DAILY_QUESTION_LIMIT": "50",
        "DAILY_TOKEN_LIMIT": "100000",
        "ALLOWED_ORIGINS": "https://app.example.com",
        "LLM_PROVIDER": "offline",
        "EMBEDDING_DIMENSIONS": str(DIMENSIONS),
        "POWERTOOLS_METRICS_NAMESPACE": "DocAgentTest",
    }
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def aws(agent_env: dict[str, str]) -> Iterator[None]:
    """A fresh moto account with the table and bucket; Powertools and handler caches reset."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName=TABLE,
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": kind} for name, kind in KEY_ATTRIBUTES
            ],
            KeySchema=[
                {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
                {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.update_time_to_live(
            TableName=TABLE,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
        boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
        reset_powertools_parameters()
        clear_agent_caches()
        yield
        reset_powertools_parameters()
        clear_agent_caches()


@pytest.fixture
def table(aws: None) -> Any:
    return boto3.resource("dynamodb", region_name=REGION).Table(TABLE)


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
    monkeypatch: pytest.MonkeyPatch, openai_secret_arn: str, fake_openai: FakeOpenAI
) -> FakeOpenAI:
    """Switch the agent to the `openai` provider, pointed at the fake server."""
    monkeypatch.setenv("LLM_PROVIDER", "openai")
    monkeypatch.setenv("OPENAI_SECRET_ARN", openai_secret_arn)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_MODEL", "gpt-fake")
    monkeypatch.setenv("LLM_MAX_RETRIES", "2")
    monkeypatch.setenv("LLM_TIMEOUT_SECONDS", "1")
    clear_agent_caches()
    return fake_openai


@dataclass
class ApiResult:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class FakeLambdaContext:
    function_name: str = "doc-agent-agent-test"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:agent"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


CallAgent = Callable[..., ApiResult]


@pytest.fixture
def call_agent(aws: None) -> CallAgent:
    """Call `handlers.agent.lambda_handler` with a REST proxy event."""
    from handlers import agent

    def call(method: str, path: str, *, user: str | None = USER_A, **kwargs: Any) -> ApiResult:
        event = agent_event(method, path, user=user, **kwargs)
        response = agent.lambda_handler(event, cast(Any, FakeLambdaContext()))
        headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = values[-1]
        raw = response.get("body")
        return ApiResult(response["statusCode"], headers, json.loads(raw) if raw else None)

    return call


class Library:
    """Seeds documents as the ingest worker leaves them: item, chunks.json, embeddings.npy."""

    def __init__(self, table: Any) -> None:
        self.documents = DocumentTable(table)
        self.s3 = boto3.client("s3", region_name=REGION)

    def add(
        self,
        user_id: str,
        name: str,
        chunks: Sequence[str | tuple[int, str]],
        *,
        embedder: Embedder | None = None,
        status: DocumentStatus = DocumentStatus.READY,
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
        parsed = [
            Chunk(index=i, page=c[0], text=c[1]) if isinstance(c, tuple) else Chunk(i, 1, c)
            for i, c in enumerate(chunks)
        ]
        self.write_derived(user_id, document_id, parsed, embedder)
        self.documents.mark_ready(
            user_id,
            document_id,
            pages=max((c.page or 1) for c in parsed),
            chunks=len(parsed),
            characters=sum(len(c.text) for c in parsed),
            embedding_model=embedder.model_id,
            embedding_dimensions=embedder.dimensions,
            now=now,
        )
        return document_id

    def write_derived(
        self, user_id: str, document_id: str, chunks: Sequence[Chunk], embedder: Embedder
    ) -> None:
        self.s3.put_object(
            Bucket=BUCKET, Key=chunks_key(user_id, document_id), Body=dump_chunks(chunks)
        )
        buffer = io.BytesIO()
        np.save(buffer, embedder.embed([c.text for c in chunks]), allow_pickle=False)
        self.s3.put_object(
            Bucket=BUCKET, Key=embeddings_key(user_id, document_id), Body=buffer.getvalue()
        )


@pytest.fixture
def library(table: Any) -> Library:
    return Library(table)
