"""The OpenAI key as an operator may store it in Secrets Manager: bare, or as JSON."""

from __future__ import annotations

import json

import boto3
import pytest

from handlers.core.llm.errors import LlmNotConfiguredError
from handlers.core.llm.secrets import read_openai_api_key
from handlers.core.runtime.settings import LlmSettings

KEY = "sk-test-0123456789"


def settings_for(secret_arn: str) -> LlmSettings:
    return LlmSettings.from_env({"LLM_PROVIDER": "openai", "OPENAI_SECRET_ARN": secret_arn})


def stored(name: str, **value: str | bytes) -> str:
    return str(boto3.client("secretsmanager").create_secret(Name=name, **value)["ARN"])


@pytest.mark.parametrize(
    "secret_string",
    [
        KEY,
        f"  {KEY}\n",
        json.dumps({"apiKey": KEY}),
        json.dumps({"api_key": f" {KEY} "}),
        json.dumps({"OPENAI_API_KEY": KEY, "note": "rotated monthly"}),
        json.dumps({"apiKey": "", "OPENAI_API_KEY": KEY}),
    ],
    ids=["bare", "padded", "apiKey", "api_key", "OPENAI_API_KEY", "first-non-empty"],
)
def test_the_key_is_read_bare_or_from_json(aws: None, secret_string: str) -> None:
    arn = stored("openai-key", SecretString=secret_string)
    assert read_openai_api_key(settings_for(arn), max_age=0) == KEY


def test_a_binary_secret_is_read_as_utf8(aws: None) -> None:
    arn = stored("openai-key-binary", SecretBinary=KEY.encode())
    assert read_openai_api_key(settings_for(arn), max_age=0) == KEY


@pytest.mark.parametrize(
    "secret_string",
    ['{"token": "sk-elsewhere"}', '{"apiKey": 42}', "{not json", '{"apiKey": "   "}'],
    ids=["unknown-field", "not-a-string", "broken-json", "blank"],
)
def test_json_without_a_usable_key_is_not_configured(aws: None, secret_string: str) -> None:
    arn = stored("openai-key-json", SecretString=secret_string)
    with pytest.raises(LlmNotConfiguredError, match="empty"):
        read_openai_api_key(settings_for(arn), max_age=0)
