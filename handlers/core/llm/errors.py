"""What can go wrong when talking to a language-model provider.

Both errors are "try again later" for a caller: the HTTP layer maps them to 503 with
`Retry-After`, the ingest worker treats them as transient.
"""

from __future__ import annotations


class LlmError(Exception):
    """Base class of provider failures."""

    code = "llm_unavailable"

    def __init__(self, message: str, *, retry_after_seconds: int = 30) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after_seconds = retry_after_seconds


class LlmUnavailableError(LlmError):
    """The provider kept failing (429/5xx/timeouts) after the client's retries."""

    code = "llm_unavailable"


class LlmNotConfiguredError(LlmError):
    """The `openai` provider is selected but its API key secret is missing or empty."""

    code = "llm_not_configured"

    def __init__(self, message: str, *, retry_after_seconds: int = 300) -> None:
        super().__init__(message, retry_after_seconds=retry_after_seconds)
