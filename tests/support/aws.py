"""A moto account holding the document store as `components/document_store/` deploys it:
the single table and the versioned bucket with its CORS rule, created by the local stack's
own code (`local/resources.py`) from the deployed definitions. Also the environment a
function reads inside that account."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import boto3
import pytest
from moto import mock_aws

from local.resources import create_documents_bucket, create_table

REGION = "us-east-1"
TABLE = "doc-agent-test"
BUCKET = "doc-agent-test-documents"
ORIGIN = "https://app.example.com"  # the site, allowed by CORS

# Set for every function: fake credentials for moto, the store's names, the offline provider.
_COMMON_ENV = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "TABLE_NAME": TABLE,
    "BUCKET_NAME": BUCKET,
    "ALLOWED_ORIGINS": ORIGIN,
    "LLM_PROVIDER": "offline",
    "POWERTOOLS_METRICS_NAMESPACE": "DocAgentTest",
}
# Unset, so no test reaches a real account, a local endpoint or the real OpenAI, and a
# developer's reranker setting does not change what the tests measure.
_UNSET_ENV = (
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "RERANKER_MODEL_DIR",
)


def use_function_env(
    monkeypatch: pytest.MonkeyPatch, function_env: dict[str, str]
) -> dict[str, str]:
    """Set the common test environment plus one function's own variables; returns all of it."""
    env = {**_COMMON_ENV, **function_env}
    for name in _UNSET_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def create_document_store() -> None:
    """The table and the versioned bucket, in the current moto, as the local stack makes them."""
    create_table(boto3.client("dynamodb", region_name=REGION), TABLE)
    create_documents_bucket(boto3.client("s3", region_name=REGION), BUCKET, (ORIGIN,))


@contextmanager
def mocked_document_store(reset_caches: Callable[[], None]) -> Iterator[None]:
    """A fresh moto account with the document store; `reset_caches` runs before and after, so
    no client or setting cached by one test reaches into the next test's account."""
    with mock_aws():
        create_document_store()
        reset_caches()
        try:
            yield
        finally:
            reset_caches()
