"""The local stack sizes its functions like a stack deployed with no overrides."""

from __future__ import annotations

from components.config import DocumentSettings, FunctionsSettings, QuotaSettings
from local import defaults


def test_local_sizes_are_the_stack_config_defaults():
    functions, documents, quotas = FunctionsSettings(), DocumentSettings(), QuotaSettings()

    assert defaults.API_TIMEOUT_SECONDS == functions.api.timeout_seconds
    assert defaults.AGENT_TIMEOUT_SECONDS == functions.agent.timeout_seconds
    assert defaults.INGEST_TIMEOUT_SECONDS == functions.ingest.timeout_seconds
    assert defaults.MAX_UPLOAD_MB == documents.max_upload_mb
    assert defaults.MAX_PAGES == documents.max_pages
    assert defaults.UPLOAD_URL_TTL_SECONDS == documents.upload_url_ttl_seconds
    assert defaults.DAILY_QUESTIONS == quotas.daily_questions
    assert defaults.DAILY_TOKENS == quotas.daily_tokens
