"""The OpenAI API key, read from Secrets Manager through Powertools parameters.

Powertools caches the value for `max_age` seconds across warm invocations, so a rotated
key is picked up without a redeploy and a warm function does not call Secrets Manager per
request. The key is never logged and never put in an environment variable.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities import parameters

from handlers.core.llm.errors import LlmNotConfiguredError
from handlers.core.runtime.settings import LlmSettings

SECRET_MAX_AGE_SECONDS = 300


def read_openai_api_key(settings: LlmSettings, *, max_age: int = SECRET_MAX_AGE_SECONDS) -> str:
    """The key as a string; a missing, unreadable or empty secret raises LlmNotConfiguredError.

    The secret may be the bare key or JSON `{"apiKey": "..."}` / `{"OPENAI_API_KEY": "..."}`.
    """
    if not settings.openai_secret_arn:
        raise LlmNotConfiguredError("The OpenAI API key is not configured.")
    try:
        value: Any = parameters.get_secret(settings.openai_secret_arn, max_age=max_age)
    except parameters.exceptions.GetParameterError as exc:
        raise LlmNotConfiguredError("The OpenAI API key could not be read.") from exc
    key = _key_from_secret(value)
    if not key:
        raise LlmNotConfiguredError("The OpenAI API key is empty.")
    return key


def _key_from_secret(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if text.startswith("{"):
        import json

        try:
            data = json.loads(text)
        except ValueError:
            return ""
        if isinstance(data, dict):
            for name in ("apiKey", "api_key", "OPENAI_API_KEY"):
                candidate = data.get(name)
                if isinstance(candidate, str) and candidate.strip():
                    return candidate.strip()
        return ""
    return text
