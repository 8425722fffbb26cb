"""The offline provider with another embedder, fusion weight and gate, patched in-process.

A variant replaces what `make_embedder` builds for the offline provider and, through the
retrieval index, the dense ranking's weight in fusion and whether the gate counts its
cosine as evidence (with which threshold). `gate_open` answers every question (no
refusal): the retrieval and answering ceiling the gate can at best keep.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.embedders.minilm import MiniLM
from handlers.core.derived.vectors import Embedder, Matrix
from handlers.core.llm import embeddings, tools
from handlers.core.retrieval import fusion, gate, index


@dataclass(frozen=True)
class Variant:
    name: str
    embedder: Callable[[], Embedder] | None  # None: the shipped offline embedder
    dense_weight: float
    semantic_gate: bool
    min_cosine: float = gate.SEMANTIC_MIN_COSINE
    # A second opinion on the lexical gate's refusals only: the model embeds the question
    # and the first `rescue_top` passages (truncated to `rescue_tokens`) at question time.
    rescue: Callable[[], MiniLM] | None = None
    rescue_top: int = 3
    rescue_tokens: int = 256


class CachedModelEmbedder:
    """all-MiniLM-L6-v2 in numpy, each text's vector cached on disk by its SHA-1 (the
    model takes ~0.1-0.3 s per passage here)."""

    def __init__(self, model: MiniLM, cache: Path) -> None:
        self._model = model
        self._cache = cache
        self._vectors: dict[str, Matrix] = {}
        if cache.is_file():
            with np.load(cache) as stored:
                self._vectors = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))

    @property
    def model_id(self) -> str:
        return "all-MiniLM-L6-v2-numpy"

    @property
    def dimensions(self) -> int:
        return self._model.hidden

    def embed(self, texts: Sequence[str]) -> Matrix:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]  # noqa: S324 (a cache key)
        missing = [i for i, key in enumerate(keys) if key not in self._vectors]
        if missing:
            for i, vector in zip(
                missing, self._model.encode([texts[i] for i in missing]), strict=True
            ):
                self._vectors[keys[i]] = vector
            np.savez(
                self._cache,
                keys=np.array(list(self._vectors)),
                vectors=np.stack(list(self._vectors.values())),
            )
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = self._vectors[key]
        return out


@contextmanager
def use_variant(variant: Variant, *, gate_open: bool = False) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        if variant.embedder is not None:
            built = variant.embedder()
            patch.setattr(embeddings, "OfflineEmbedder", lambda dimensions: built)
        fuse = fusion.reciprocal_rank_fusion

        def weighted(rankings: Any, **kwargs: Any) -> Any:
            kwargs["weights"] = (1.0, variant.dense_weight)
            return fuse(rankings, **kwargs)

        patch.setattr(index, "reciprocal_rank_fusion", weighted)
        patch.setattr(index.HybridIndex, "semantic", property(lambda _: variant.semantic_gate))
        patch.setattr(gate, "SEMANTIC_MIN_COSINE", variant.min_cosine)
        if gate_open:
            patch.setattr(gate, "MIN_COVERAGE", -1.0)
        if variant.rescue is not None:
            patch.setattr(tools.AgentTools, "gated_search", _rescued(variant, variant.rescue()))
        yield


RESCUE_SECONDS: list[float] = []  # the time each re-check took, for the report
RESCUE_COSINES: dict[str, float] = {}  # question → its best passage's cosine when re-checked


def _rescued(variant: Variant, model: MiniLM) -> Callable[..., tools.Search]:
    searched = tools.AgentTools.gated_search

    def gated_search(
        self: tools.AgentTools, question: str, top_k: int = tools.GATE_TOP_K
    ) -> tools.Search:
        search = searched(self, question, top_k)
        if search.evidence.found or not search.hits:
            return search
        started = time.perf_counter()
        texts = [p.text for _, p in search.hits if not p.navigation][: variant.rescue_top]
        ids = [model.token_ids(t)[: variant.rescue_tokens] for t in [question, *texts]]
        vectors = model.encode_ids(ids)
        RESCUE_SECONDS.append(time.perf_counter() - started)
        best = float((vectors[1:] @ vectors[0]).max()) if texts else 0.0
        RESCUE_COSINES[question] = round(best, 3)
        if best >= variant.min_cosine:
            evidence = dataclasses.replace(search.evidence, found=True)
            return dataclasses.replace(search, evidence=evidence)
        return search

    return gated_search
