"""Build the `openai` client from settings: base URL, timeout and retries.

The client's own retry loop (exponential backoff with jitter on 408/409/429/5xx and
connection errors, honouring `Retry-After`) is the retry policy; `call_openai` maps what
is left after it gives up to LlmUnavailableError. `openai` is imported here only, so the
offline provider never pays its import cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from handlers.core.llm.errors import LlmUnavailableError
from handlers.core.llm.secrets import read_openai_api_key
from handlers.core.runtime.settings import LlmSettings

if TYPE_CHECKING:
    from openai import OpenAI

T = TypeVar("T")

# What a 503 asks the caller to wait after the provider gave up.
UNAVAILABLE_RETRY_AFTER_SECONDS = 30


def make_openai_client(settings: LlmSettings, *, api_key: str | None = None) -> OpenAI:
    from openai import OpenAI

    return OpenAI(
        api_key=api_key if api_key is not None else read_openai_api_key(settings),
        base_url=settings.openai_base_url or None,
        timeout=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
    )


def call_openai(call: Callable[[], T]) -> T:
    """Run one client call; failures left after the client's retries become 503s."""
    import openai

    try:
        return call()
    except openai.RateLimitError as exc:
        raise LlmUnavailableError(
            "The language model is rate limited; try again shortly.",
            retry_after_seconds=_retry_after(exc.response.headers.get("retry-after")),
        ) from exc
    except (openai.APITimeoutError, openai.APIConnectionError) as exc:
        raise LlmUnavailableError("The language model did not respond in time.") from exc
    except openai.InternalServerError as exc:
        raise LlmUnavailableError("The language model is unavailable.") from exc
    except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
        raise LlmUnavailableError(
            "The language model rejected the configured key.", retry_after_seconds=300
        ) from exc
    except openai.APIStatusError as exc:
        # Anything else the provider refuses (e.g. a context-length 400): not the user's
        # input to fix, and not worth an internal error.
        raise LlmUnavailableError("The language model could not answer this request.") from exc


def _retry_after(header: str | None) -> int:
    try:
        seconds = int(float(header)) if header else UNAVAILABLE_RETRY_AFTER_SECONDS
    except ValueError:
        seconds = UNAVAILABLE_RETRY_AFTER_SECONDS
    return max(1, min(seconds, 3600))
