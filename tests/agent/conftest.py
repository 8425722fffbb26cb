from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import base as parameters_base
from moto import mock_aws

from tests.agent.fake_openai import FakeOpenAI

REGION = "us-east-1"
SECRET_NAME = "doc-agent/openai-api-key"
API_KEY = "sk-test-fake-key"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with mock_aws():
        # Powertools keeps providers (and their boto3 clients) and cached values per
        # process: start every test from nothing.
        reset_powertools_parameters()
        yield
        reset_powertools_parameters()


def reset_powertools_parameters() -> None:
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    providers = getattr(parameters_base, "DEFAULT_PROVIDERS")  # noqa: B009
    providers.clear()


@pytest.fixture
def openai_secret_arn(aws: None) -> str:
    client = boto3.client("secretsmanager", region_name=REGION)
    return str(client.create_secret(Name=SECRET_NAME, SecretString=API_KEY)["ARN"])


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()
