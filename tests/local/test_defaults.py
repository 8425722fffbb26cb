"""The local stack sizes its functions like a stack deployed with no overrides."""

from __future__ import annotations

from components.config import DocumentSettings, FunctionsSettings, QuotaSettings
from local import defaults


def test_local_sizes_are_the_stack_config_defaults():
    functions, documents, quotas = FunctionsSettings(), DocumentSettings(), QuotaSettings()

    assert functions.api.timeout_seconds == defaults.API_TIMEOUT_SECONDS
    assert functions.agent.timeout_seconds == defaults.AGENT_TIMEOUT_SECONDS
    assert functions.ingest.timeout_seconds == defaults.INGEST_TIMEOUT_SECONDS
    assert documents.max_upload_mb == defaults.MAX_UPLOAD_MB
    assert documents.max_pages == defaults.MAX_PAGES
    assert documents.upload_url_ttl_seconds == defaults.UPLOAD_URL_TTL_SECONDS
    assert quotas.daily_questions == defaults.DAILY_QUESTIONS
    assert quotas.daily_tokens == defaults.DAILY_TOKENS
