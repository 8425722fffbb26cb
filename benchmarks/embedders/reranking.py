"""A cross-encoder over the offline provider's fused ranking, patched in-process.

`use_reranking` replaces `AgentTools.gated_search`: the shipped search and lexical gate
run as before (their verdict is recorded), then the fused top `depth` passages are scored
by the cross-encoder — each as retrieval indexed it, the heading path above the text — and
reordered, best first, tables of contents still last. The patched search refuses nothing:
every gate (lexical, cross-encoder, both, either) is applied afterwards to the recorded
scores (`decide`), so one run per depth measures them all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pytest

from handlers.core.derived.passage import Passage
from handlers.core.llm import tools
from handlers.core.llm.tool_arguments import MAX_QUERY_CHARS
from handlers.core.retrieval.cross_encoder import CrossEncoder

Gate = Literal["lexical", "cross-encoder", "both", "either"]
GATES: tuple[Gate, ...] = ("lexical", "cross-encoder", "both", "either")


def decide(gate: Gate, lexical: bool, score: float, threshold: float) -> bool:
    """Whether the gate lets the question be answered."""
    model = score >= threshold
    if gate == "lexical":
        return lexical
    if gate == "cross-encoder":
        return model
    if gate == "both":
        return lexical and model
    return lexical or model


def choose_threshold(
    gate: Gate, scores: Sequence[float], answerable: Sequence[bool], lexical: Sequence[bool]
) -> float:
    """The score threshold that best separates answerable from unanswerable questions
    (balanced accuracy: the share of each answered / refused correctly, averaged), the
    middle of the widest gap among the best; ties go to the higher threshold."""
    values = sorted(set(scores))
    if not values:
        return 0.0
    middles = [(a + b) / 2 for a, b in itertools.pairwise(values)]
    candidates = [values[0] - 1.0, *middles, values[-1] + 1.0]
    n_answerable = max(1, sum(answerable))
    n_unanswerable = max(1, len(answerable) - sum(answerable))

    def accuracy(threshold: float) -> float:
        answered = [decide(gate, lx, s, threshold) for lx, s in zip(lexical, scores, strict=True)]
        right = sum(a for a, ok in zip(answered, answerable, strict=True) if ok)
        refused = sum(not a for a, ok in zip(answered, answerable, strict=True) if not ok)
        return (right / n_answerable + refused / n_unanswerable) / 2

    rated = [(accuracy(t), t) for t in candidates]
    best = max(a for a, _ in rated)
    return max(t for a, t in rated if a == best)


def rerank_order(scores: npt.NDArray[np.float32], navigation: Sequence[bool]) -> list[int]:
    """Positions best first: body text by score (ties keep the fused order), then
    tables of contents and indexes, as the shipped ranking keeps them last."""
    return sorted(range(len(scores)), key=lambda i: (navigation[i], -float(scores[i]), i))


class ScoreCache:
    """Cross-encoder logits per (question, passage text), on disk as JSON: scoring a
    question's 50 passages takes seconds."""

    def __init__(self, path: Path, model: Callable[[], CrossEncoder], tag: str) -> None:
        self._path = path
        self._model = model
        self._loaded: CrossEncoder | None = None
        self._tag = tag
        self._scores: dict[str, float] = json.loads(path.read_text()) if path.is_file() else {}

    def scores(self, question: str, texts: Sequence[tuple[str, str]]) -> npt.NDArray[np.float32]:
        """One logit per (heading path, text)."""
        keys = [self._key(question, t) for t in texts]
        missing = [i for i, key in enumerate(keys) if key not in self._scores]
        if missing:
            if self._loaded is None:
                self._loaded = self._model()
            fresh = self._loaded.scores(question, [texts[i] for i in missing])
            for i, value in zip(missing, fresh, strict=True):
                self._scores[keys[i]] = round(float(value), 4)
            partial = self._path.with_suffix(".partial")
            partial.write_text(json.dumps(self._scores))
            partial.replace(self._path)  # atomic: an interrupted run leaves the last cache
        return np.array([self._scores[key] for key in keys], dtype=np.float32)

    def _key(self, question: str, passage: tuple[str, str]) -> str:
        heading, text = passage
        joined = f"{self._tag}\0{question}\0{heading}\0{text}".encode()
        return hashlib.sha1(joined).hexdigest()  # noqa: S324 (a cache key)


@dataclass
class Record:
    """What the patched search saw for one question."""

    lexical: bool  # the shipped gate's verdict
    best: float  # the best cross-encoder logit among the body passages scored
    ranked: list[Passage]  # the passages the answerer got, in order
    # The (heading path, text) pairs scored, in fused order.
    candidates: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0  # spent scoring (0 when the scores were cached)


@contextmanager
def use_reranking(depth: int | None, cache: ScoreCache) -> Iterator[dict[str, Record]]:
    """`depth` None: the shipped order (the first `GATE_TOP_K` passages are still scored,
    for the cross-encoder gate). The offline answerer cites its quotes in the ranking's
    order, so the reranker's first choice is the first citation. (The experiment's
    `--cite-in-rank-order` run patched that in; the product has done it since.)"""
    records: dict[str, Record] = {}
    shipped = tools.AgentTools.gated_search

    def gated_search(
        self: tools.AgentTools, question: str, top_k: int = tools.GATE_TOP_K
    ) -> tools.Search:
        search = shipped(self, question, top_k)
        fused = self._index.search(
            self.documents, question[:MAX_QUERY_CHARS], top_k=max(depth or top_k, top_k)
        )
        scored = fused[: depth or top_k]
        texts = [(p.section or "", p.text) for p in scored]
        started = time.perf_counter()
        scores = cache.scores(question, texts)
        seconds = time.perf_counter() - started
        navigation = [p.navigation for p in scored]
        body = [float(s) for s, nav in zip(scores, navigation, strict=True) if not nav]
        best = max(body, default=float("-inf"))
        if depth is None:
            ranked = [p for _, p in search.hits]
        else:
            order = rerank_order(scores, navigation)
            ranked = ([scored[i] for i in order] + fused[len(scored) :])[:top_k]
        records[question] = Record(search.evidence.found, best, ranked, texts, seconds)
        hits = [(self._number(p), p) for p in ranked]
        evidence = dataclasses.replace(search.evidence, found=True)
        return dataclasses.replace(search, hits=hits, evidence=evidence)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tools.AgentTools, "gated_search", gated_search)
        yield records
