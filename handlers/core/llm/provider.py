"""Provider selection: the settings decide which answerer and which embedder run."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from handlers.core.derived.vectors import Embedder
from handlers.core.llm.answers import Answerer
from handlers.core.llm.chat import OpenAIAnswerer
from handlers.core.llm.client import make_openai_client
from handlers.core.llm.embeddings import make_embedder
from handlers.core.llm.offline import OfflineAnswerer
from handlers.core.llm.secrets import read_openai_api_key
from handlers.core.runtime.settings import AgentSettings, LlmSettings

if TYPE_CHECKING:
    from openai import OpenAI


def make_provider(settings: AgentSettings) -> tuple[Answerer, Embedder]:
    """`offline`: extractive answers and hashed embeddings, no key needed.

    `openai`: one client shared by the chat loop and the query embedder. The key is read
    through Powertools' cache on every call, so a rotated key is picked up within its
    max age; a missing key raises LlmNotConfiguredError (503).
    """
    if settings.llm_provider == "offline":
        return OfflineAnswerer(), make_embedder(settings)
    client = _client(settings, read_openai_api_key(settings))
    return (
        OpenAIAnswerer(client, model=settings.chat_model, max_rounds=settings.max_tool_rounds),
        make_embedder(settings, client=client),
    )


@lru_cache(maxsize=4)
def _client(settings: LlmSettings, api_key: str) -> OpenAI:
    # One client (and its connection pool) per warm container and key.
    return make_openai_client(settings, api_key=api_key)
