"""The `api` and `ingest` functions in a moto account, configured as deployed except for
the ingest function's memory, which each test names (its Lambda context carries it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from components.config import DocumentSettings
from tests.handlers.conftest import _clear_handler_caches
from tests.support.aws import mocked_document_store, use_function_env
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute, route_caller

DOCUMENTS = DocumentSettings()
# Bomb sizes: 1 in `make test`; `make test-hostile` sets more (HOSTILE_SCALE).
SCALE = int(os.environ.get("HOSTILE_SCALE", "1"))


@dataclass
class IngestContext(FakeLambdaContext):
    """What Lambda passes the ingest function: its memory and the time left."""

    remaining_ms: int = 120_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    use_function_env(
        monkeypatch,
        {
            "MAX_UPLOAD_BYTES": str(DOCUMENTS.max_upload_mb * 1024 * 1024),
            "MAX_PAGES": str(DOCUMENTS.max_pages),
            "EMBEDDING_DIMENSIONS": "64",
            "POWERTOOLS_SERVICE_NAME": "doc-agent-test",
        },
    )
    with mocked_document_store(_clear_handler_caches):
        yield


@pytest.fixture
def call_api(aws: None) -> CallRoute:
    from handlers import api

    return route_caller(api.lambda_handler, FakeLambdaContext())
