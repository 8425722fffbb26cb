"""BM25 (Okapi) scoring over the lexical statistics of a user's documents.

Each document keeps its own postings (`handlers.core.derived.lexical.LexicalIndex`).
Corpus statistics (passage count, average length, document frequency) are summed over the
documents searched at query time, so scores are comparable across documents without
rebuilding anything. A query is tokenised (`handlers.core.text.terms.terms`: stemmed words
plus exact identifiers) and hashed exactly as ingest did (`term_id`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from handlers.core.derived.lexical import FloatArray, LexicalIndex, TermIds, term_id
from handlers.core.text.terms import terms

__all__ = [
    "FloatArray",
    "LexicalIndex",
    "TermStatistics",
    "bm25_scores",
    "term_ids",
    "term_statistics",
]

K1 = 1.2
B = 0.75
# A title term counts as much as one occurrence of it in a passage of average length.
TITLE_WEIGHT = 1.0


def term_ids(text: str) -> TermIds:
    """The distinct term ids of a text (a query), sorted."""
    ids = np.fromiter((term_id(token) for token in set(terms(text))), dtype=np.int64)
    return np.unique(ids)


def bm25_scores(
    query: str, indexes: Sequence[LexicalIndex], titles: Sequence[str] | None = None
) -> list[FloatArray]:
    """One score array per index (aligned with its chunks); all zeros when nothing matches.

    `titles` (one per index: the document's name) is a second field: a query term in a
    document's title adds its IDF to every passage of that document that matches the query
    at all (BM25F's title field), so "gnuplot's history size" ranks the gnuplot manual's
    passage above bash's, whose text says "history size" too but never "gnuplot"."""
    asked = set(terms(query))
    ids = np.unique(np.fromiter((term_id(token) for token in asked), dtype=np.int64))
    scores, idf = _text_scores(ids, indexes)
    if titles is not None:
        idf_of = dict(zip(ids.tolist(), idf.tolist(), strict=True))
        for score, title in zip(scores, titles, strict=True):
            named = asked.intersection(terms(title))
            bonus = sum(idf_of.get(term_id(term), 0.0) for term in named)
            if bonus > 0.0:
                score[score > 0.0] += np.float32(TITLE_WEIGHT * bonus)
    return scores


def _text_scores(
    ids: TermIds, indexes: Sequence[LexicalIndex]
) -> tuple[list[FloatArray], npt.NDArray[np.float64]]:
    """The text field's scores, and the IDF of each of `ids` over the indexes' chunks."""
    scores = [np.zeros(index.size, dtype=np.float32) for index in indexes]
    total_chunks = sum(index.size for index in indexes)
    if ids.shape[0] == 0 or total_chunks == 0:
        return scores, np.zeros(ids.shape[0], dtype=np.float64)
    average_length = max(float(sum(index.lengths.sum() for index in indexes)) / total_chunks, 1.0)
    rows = [index.rows(ids) for index in indexes]
    frequency = np.zeros(ids.shape[0], dtype=np.int64)
    for index, found in zip(indexes, rows, strict=True):
        frequency += index.document_frequencies(found)
    idf = _idf(total_chunks, frequency)
    for position, (index, found) in enumerate(zip(indexes, rows, strict=True)):
        present = found >= 0
        if not present.any():
            continue
        starts = index.offsets[found[present]]
        ends = index.offsets[found[present] + 1]
        postings = np.concatenate(
            [np.arange(start, end) for start, end in zip(starts, ends, strict=True)]
        )
        term_idf = np.repeat(idf[present], ends - starts)
        chunks = index.positions[postings]
        tf = index.frequencies[postings]
        norm = K1 * (1.0 - B + B * index.lengths[chunks] / average_length)
        weights = term_idf * tf * (K1 + 1.0) / (tf + norm)
        scores[position] = np.bincount(chunks, weights=weights, minlength=index.size).astype(
            np.float32
        )
    return scores, idf


@dataclass(frozen=True)
class TermStatistics:
    """How the searched documents use some terms: for the relevance gate's weights."""

    passages: int
    document_frequency: dict[str, int]
    idf: dict[str, float]
    rarest: float  # the IDF of a term found in one passage


def term_statistics(terms: Collection[str], indexes: Sequence[LexicalIndex]) -> TermStatistics:
    """Each term's document frequency over these indexes' chunks, and its BM25 IDF."""
    ordered = sorted(terms)
    ids = np.asarray([term_id(term) for term in ordered], dtype=np.int64)
    frequency = np.zeros(ids.shape[0], dtype=np.int64)
    for index in indexes:
        frequency += index.document_frequencies(index.rows(ids))
    total = sum(index.size for index in indexes)
    idf = _idf(total, frequency)
    return TermStatistics(
        passages=total,
        document_frequency={t: int(f) for t, f in zip(ordered, frequency, strict=True)},
        idf={t: float(w) for t, w in zip(ordered, idf, strict=True)},
        rarest=float(_idf(total, np.ones(1, dtype=np.int64))[0]),
    )


def _idf(total: int, frequency: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """BM25's inverse document frequency (never negative: Lucene's +1 inside the log)."""
    weights: npt.NDArray[np.float64] = np.log1p((total - frequency + 0.5) / (frequency + 0.5))
    return weights
