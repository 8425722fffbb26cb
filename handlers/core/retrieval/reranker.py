"""The fused ranking's first passages reordered by a cross-encoder, and its second opinion
on the relevance gate.

BM25 and the offline provider's hashed vectors match words; a question in other words than
its answer's ("Where does the name come from?" for "How did doxygen get its name?") ranks
the answer low, or the lexical gate refuses it. A cross-encoder reads the question and each
passage together. Measured on the answer-quality set (docs/benchmarks.md, "The shipped
reranker"): reordering the first 10 passages, pairs cut to 128 tokens, raised the labelled
page in the top 3 and halved the false refusals, for ~0.17 s per question on one core;
longer pairs or a deeper list gained little more for seconds. Its score alone is no calibrated
gate (it rates off-topic questions near the manuals' subjects relevant), so it only ever
*overrules a refusal*: the lexical gate's "not found" stands unless a passage scores at
least `RESCUE_LOGIT`, a threshold chosen on the set's tune split and checked on the
documents nobody tuned on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from handlers.core.derived.passage import Passage
from handlers.core.retrieval.cross_encoder import CrossEncoder
from handlers.core.retrieval.fusion import reciprocal_rank_fusion
from handlers.core.runtime.tracing import tracer

# How many of the fused ranking's passages are reordered (the gate's and the offline
# answerer's 10: a deeper list gained no labelled page in the top 3 and doubles the cost).
RERANK_DEPTH = 10
# Question + heading path + the text's densest window, in BERT tokens.
PAIR_TOKENS = 128
# The logit at which the model's best body passage overrules the lexical gate's refusal.
RESCUE_LOGIT = 2.25
# Below this logit the model rates a passage more likely irrelevant than relevant: it was
# trained on log-odds of relevance (binary cross-entropy), so 0 is its own even odds. An
# answer none of whose passages reaches it is said to be doubtful (`gate.Evidence`).
DOUBT_LOGIT = 0.0


@dataclass(frozen=True)
class Reranked:
    passages: list[Passage]
    # The best logit among the body-text passages (tables of contents do not count);
    # -inf when every passage is navigation.
    best: float

    @property
    def vouches(self) -> bool:
        """Whether the model finds one passage answers the question, by its threshold."""
        return self.best >= RESCUE_LOGIT

    @property
    def doubts(self) -> bool:
        """Whether the model rates every body passage more likely irrelevant than not."""
        return self.best < DOUBT_LOGIT


class Reranker:
    depth = RERANK_DEPTH

    def __init__(self, model: CrossEncoder) -> None:
        self._model = model

    @classmethod
    def load(cls, model_dir: Path) -> Reranker:
        return cls(CrossEncoder.load(model_dir, max_tokens=PAIR_TOKENS))

    @tracer.capture_method(capture_response=False)
    def rerank(self, question: str, passages: Sequence[Passage]) -> Reranked:
        """Body text in the order the fused ranking and the model's agree on (reciprocal
        rank fusion of the two orders, as retrieval fuses BM25's and the vectors'; ties go
        to the model), then tables of contents and indexes, which the fused ranking keeps
        last too. Measured against the model's order alone: as good or better in two of
        the three libraries of the answer-quality set (docs/benchmarks.md), and a lexical
        match the model misjudges still counts."""
        scores = self._model.scores(question, [(p.section or "", p.text) for p in passages])
        positions = range(len(passages))
        by_model = sorted(positions, key=lambda i: (-float(scores[i]), i))
        votes = reciprocal_rank_fusion([list(positions), by_model])
        order = sorted(
            positions,
            key=lambda i: (passages[i].navigation, -votes[i], -float(scores[i]), i),
        )
        body = [float(scores[i]) for i in order if not passages[i].navigation]
        return Reranked([passages[i] for i in order], max(body, default=-math.inf))
