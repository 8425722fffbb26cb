"""moto-backed AWS for the `api` and `ingest` functions, and the in-process `api` and
`agent` callers.

The store, events and Lambda context come from `tests.support`; `table`, `s3_client` and
`lambda_context` from `tests/conftest.py`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.handlers.document_flow import agent_caller
from tests.support.aws import mocked_document_store, use_function_env
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute, route_caller

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@pytest.fixture
def handler_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return use_function_env(
        monkeypatch,
        {
            "MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
            "MAX_PAGES": "600",
            "EMBEDDING_DIMENSIONS": "64",
            "POWERTOOLS_SERVICE_NAME": "doc-agent-test",
        },
    )


def _clear_handler_caches() -> None:
    from handlers import api, ingest

    for module in (api, ingest):
        for name in dir(module):
            cached = getattr(module, name)
            if callable(cached) and hasattr(cached, "cache_clear"):
                cached.cache_clear()


@pytest.fixture
def aws(handler_env: dict[str, str]) -> Iterator[None]:
    """A fresh moto account with the table and the versioned bucket."""
    with mocked_document_store(_clear_handler_caches):
        yield


@pytest.fixture
def call_api(aws: None, lambda_context: FakeLambdaContext) -> CallRoute:
    """Call `handlers.api.lambda_handler` with a REST proxy event; returns status/headers/body."""
    from handlers import api

    return route_caller(api.lambda_handler, lambda_context)


@pytest.fixture
def call_agent(
    aws: None, lambda_context: FakeLambdaContext, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CallRoute]:
    """Call `handlers.agent.lambda_handler` (offline provider) in the same moto account."""
    with agent_caller(lambda_context, monkeypatch) as call:
        yield call
