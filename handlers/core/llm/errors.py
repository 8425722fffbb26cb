"""What can go wrong when talking to a language-model provider.

Both errors are "try again later": they are 503s with `Retry-After` for the API (the
shared error mapping turns any AppError into the JSON error shape, headers included) and
transient failures for the ingest worker.
"""

from __future__ import annotations

from handlers.core.http.errors import ServiceUnavailableError


class LlmError(ServiceUnavailableError):
    """Base class of provider failures."""

    code = "llm_unavailable"

    def __init__(self, message: str, *, retry_after_seconds: int = 30) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after_seconds)})
        self.retry_after_seconds = retry_after_seconds


class LlmUnavailableError(LlmError):
    """The provider kept failing (429/5xx/timeouts) after the client's retries."""

    code = "llm_unavailable"


class LlmNotConfiguredError(LlmError):
    """The `openai` provider is selected but its API key secret is missing or empty."""

    code = "llm_not_configured"

    def __init__(self, message: str, *, retry_after_seconds: int = 300) -> None:
        super().__init__(message, retry_after_seconds=retry_after_seconds)
