"""Text embeddings: one interface, an offline hashed embedder and an OpenAI embedder.

Every embedder returns a float32 matrix of shape (n, dimensions) whose rows are
L2-normalised (an all-zero row stays zero), so cosine similarity is a dot product. The
ingest worker embeds chunks with `make_embedder(settings)` and records `model_id` and
`dimensions` on the document; the agent embeds queries with the same factory and only
compares vectors when both match.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache, partial
from typing import TYPE_CHECKING

import numpy as np

from handlers.core.derived.vectors import OFFLINE_MODEL_ID, Embedder, Matrix, normalise_rows
from handlers.core.llm.client import call_openai, make_openai_client
from handlers.core.runtime.settings import LlmSettings
from handlers.core.runtime.tracing import tracer

if TYPE_CHECKING:
    from openai import OpenAI

# OpenAI accepts up to 2048 inputs per request; smaller batches keep each request (and a
# retry of it) well inside the timeout.
OPENAI_BATCH_SIZE = 128
# text-embedding-3 models take at most 8192 tokens per input. English averages ~4
# characters per token; counting 3 leaves room for denser text (digits, other scripts).
OPENAI_MAX_INPUT_CHARS = 8192 * 3

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_BIGRAM_WEIGHT = 0.5


def tokenize(text: str) -> list[str]:
    """Lowercased word tokens (letters and digits); shared with BM25."""
    return _TOKEN.findall(text.lower())


@lru_cache(maxsize=200_000)
def _bucket(feature: str, dimensions: int) -> tuple[int, float]:
    # blake2b, not hash(): the same text must land in the same bucket in every process.
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dimensions, (1.0 if (value >> 63) & 1 else -1.0)


class OfflineEmbedder:
    """Deterministic feature hashing of unigrams and bigrams, signed, sublinear counts.

    No network, no model download: lexical similarity only, which is what the offline
    provider promises. Stable across processes and machines.
    """

    def __init__(self, dimensions: int) -> None:
        if dimensions <= 0:
            raise ValueError("dimensions must be positive")
        self._dimensions = dimensions

    @property
    def model_id(self) -> str:
        return OFFLINE_MODEL_ID

    @property
    def dimensions(self) -> int:
        return self._dimensions

    @tracer.capture_method(capture_response=False)
    def embed(self, texts: Sequence[str]) -> Matrix:
        matrix = np.zeros((len(texts), self._dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            tokens = tokenize(text)
            features: Counter[str] = Counter(tokens)
            bigrams = Counter(f"{a} {b}" for a, b in itertools.pairwise(tokens))
            for feature, count in features.items():
                index, sign = _bucket(feature, self._dimensions)
                matrix[row, index] += sign * (1.0 + math.log(count))
            for feature, count in bigrams.items():
                index, sign = _bucket(feature, self._dimensions)
                matrix[row, index] += sign * _BIGRAM_WEIGHT * (1.0 + math.log(count))
        return normalise_rows(matrix)


class OpenAIEmbedder:
    """OpenAI embeddings with reduced `dimensions`, sent in batches."""

    def __init__(
        self,
        client: OpenAI,
        *,
        model: str,
        dimensions: int,
        batch_size: int = OPENAI_BATCH_SIZE,
    ) -> None:
        self._client = client
        self._model = model
        self._dimensions = dimensions
        self._batch_size = batch_size

    @property
    def model_id(self) -> str:
        return self._model

    @property
    def dimensions(self) -> int:
        return self._dimensions

    @tracer.capture_method(capture_response=False)
    def embed(self, texts: Sequence[str]) -> Matrix:
        matrix = np.zeros((len(texts), self._dimensions), dtype=np.float32)
        for start in range(0, len(texts), self._batch_size):
            batch = [
                # The API rejects empty inputs; a blank chunk embeds as a single space.
                (text[:OPENAI_MAX_INPUT_CHARS] or " ")
                for text in texts[start : start + self._batch_size]
            ]
            response = call_openai(
                partial(
                    self._client.embeddings.create,
                    input=batch,
                    model=self._model,
                    dimensions=self._dimensions,
                    encoding_format="float",
                )
            )
            for item in response.data:
                vector = np.asarray(item.embedding, dtype=np.float32)
                if vector.shape != (self._dimensions,):
                    raise ValueError("embedding has unexpected dimensions")
                matrix[start + item.index] = vector
        return normalise_rows(matrix)


def make_embedder(settings: LlmSettings, *, client: OpenAI | None = None) -> Embedder:
    """The embedder the settings select; `openai` reads its key from Secrets Manager.

    Raises LlmNotConfiguredError when `openai` is selected and no key can be read.
    """
    if settings.llm_provider == "offline":
        return OfflineEmbedder(settings.embedding_dimensions)
    return OpenAIEmbedder(
        client if client is not None else make_openai_client(settings),
        model=settings.embedding_model,
        dimensions=settings.embedding_dimensions,
    )
