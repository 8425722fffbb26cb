"""The relevance gate: is there evidence for this question in the documents at all?

Retrieval always returns *something* — the passages least unlike the question — so an
answerer needs a separate judgement of whether they are evidence. The gate asks how much
of the question's information one passage holds: the question's key terms
(`handlers.core.text.terms.key_terms`: its subject, not how it is phrased) are weighted by
their inverse document frequency over the documents searched, and a passage's coverage is
the share of that weight it contains. A term the documents never use weighs as much as
the rarest term they do use (BM25's own IDF would give it more, by an amount that only
reflects how small the library is), so a question whose key terms are absent covers
little however many common words it shares with the documents ("How do I reset my
**router's wifi**?" over a git manual). Evidence is found when one of the passages
searched for the question covers at least `MIN_COVERAGE` of it: more than half of what
the question is about, in one place.

Tables of contents and indexes name every subject without answering any: they are not
evidence. The vector side counts only when the embedder is a semantic model (not the
offline feature hashing, which measures the same word overlap as BM25, less precisely),
and only for a passage that already covers a good part of the question.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.core.text.forms import base_forms
from handlers.core.text.terms import key_terms, terms

if TYPE_CHECKING:  # numpy loads with retrieval, after the agent's cold start
    from handlers.core.retrieval.bm25 import TermStatistics

# More than half of the question's IDF mass in one passage, with a margin for the noise of
# IDF estimates in small libraries (docs/benchmarks.md: the answer-quality set).
MIN_COVERAGE = 0.55
# A semantic embedder's cosine that, with at least half the coverage, counts as evidence.
SEMANTIC_MIN_COSINE = 0.5


@dataclass(frozen=True)
class Candidate:
    """What the gate needs of a retrieved passage."""

    text: str
    dense_score: float = 0.0
    navigation: bool = False


@dataclass(frozen=True)
class Evidence:
    found: bool
    coverage: float  # the best passage's share of the question's key-term weight
    best: int | None  # the position of that passage among the candidates
    missing: tuple[str, ...]  # key terms no searched document contains
    # The reranker's best logit over the passages (`handlers.core.retrieval.reranker`),
    # which can overrule a refusal; None without a reranker.
    relevance: float | None = None
    # Found, but on word overlap that nothing backs: the reranker rates every passage more
    # likely irrelevant than relevant, or the question names a term no searched document
    # uses and the reranker does not vouch for a passage. The answer says so.
    doubtful: bool = False


def gate_terms(question: str) -> set[str]:
    """The terms the gate weighs: key terms, without option phrases ("rebase -i")
    that only repeat their parts."""
    return {term for term in key_terms(question) if " " not in term}


def term_weights(question_terms: Collection[str], statistics: TermStatistics) -> dict[str, float]:
    """Each key term's weight: its IDF, an absent word's that of a term in one passage.

    An identifier no document contains ("ksh-style", "self-compiled") is left out: its
    words are key terms of their own, and the exact form is a bonus when found, not a
    requirement (the documents may spell it "ksh-like").
    An absent comparative, superlative or -ly adverb counts as its base form when the
    documents use that ("stronger" as "strong"; `statistics` must cover
    `looked_up_terms`).
    """
    weights = {}
    frequency = statistics.document_frequency
    for term in question_terms:
        if frequency.get(term):
            weights[term] = statistics.idf[term]
        elif _is_word(term):
            base = next((b for b in base_forms(term) if frequency.get(b)), None)
            if base is None:
                weights[term] = statistics.rarest
            else:
                weights[base] = statistics.idf[base]
    return weights


def looked_up_terms(question_terms: Collection[str]) -> set[str]:
    """The terms whose statistics the gate needs: the question's and their base forms."""
    return set(question_terms).union(*(base_forms(term) for term in question_terms))


def _is_word(term: str) -> bool:
    return term.isalnum()


def weigh(
    question_terms: Collection[str],
    statistics: TermStatistics,
    candidates: Sequence[Candidate],
    *,
    semantic: bool = False,
) -> Evidence:
    """The gate's decision for candidates retrieved for a question, given how the
    searched documents use the question's terms."""
    weights = term_weights(question_terms, statistics)
    total = sum(weights.values())
    missing = tuple(sorted(t for t in weights if not statistics.document_frequency.get(t)))
    if total <= 0.0:
        return Evidence(found=False, coverage=0.0, best=None, missing=missing)
    best, best_coverage, found = None, 0.0, False
    for position, candidate in enumerate(candidates):
        if candidate.navigation:
            continue
        present = set(terms(candidate.text)) & weights.keys()
        coverage = sum(weights[term] for term in present) / total
        if coverage > best_coverage:
            best, best_coverage = position, coverage
        semantic_match = (
            semantic
            and candidate.dense_score >= SEMANTIC_MIN_COSINE
            and coverage >= MIN_COVERAGE / 2
        )
        found = found or coverage >= MIN_COVERAGE or semantic_match
    return Evidence(found=found, coverage=round(best_coverage, 4), best=best, missing=missing)
