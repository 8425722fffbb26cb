"""BM25 (Okapi) over chunk text, with statistics shared across a user's documents.

Each document keeps its own postings (term → chunk positions and term frequencies) in
CSR form. Terms are not strings but 64-bit ids hashed from the token (blake2b, stable
across processes), so documents built apart — at ingest, months apart — can be searched
together without a shared vocabulary. The ingest worker builds the postings once and
stores them (`bm25_file`); retrieval builds them from the text only for documents
ingested before that file existed. Corpus statistics (chunk count, average length,
document frequency) are summed over the documents searched at query time, so scores are
comparable across documents without rebuilding anything.

Ingest and query both tokenise with `handlers.core.text.terms.terms` (stemmed words plus
exact identifiers): a query term matches a stored term only if both sides hash the same
term, so postings record the `TERMS_VERSION` they were built with.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from handlers.core.text.terms import terms

K1 = 1.2
B = 0.75

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]
TermIds = npt.NDArray[np.int64]
Offsets = npt.NDArray[np.int64]


@lru_cache(maxsize=65_536)
def term_id(token: str) -> int:
    """A token's id: the first 8 bytes of its blake2b digest as a signed int64.

    Never Python's hash(): ids are stored at ingest and compared in other processes.
    """
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def term_ids(text: str) -> TermIds:
    """The distinct term ids of a text (a query), sorted."""
    ids = np.fromiter((term_id(token) for token in set(terms(text))), dtype=np.int64)
    return np.unique(ids)


@dataclass(frozen=True)
class LexicalIndex:
    """Postings of one document in CSR form: term row → slice of (chunk positions, tf).

    `term_ids` is sorted; row r's postings are `positions[offsets[r]:offsets[r + 1]]`
    (ascending chunk positions) with their term frequencies; `lengths` is each chunk's
    token count.
    """

    term_ids: TermIds
    offsets: Offsets
    positions: IntArray
    frequencies: FloatArray
    lengths: FloatArray

    @property
    def size(self) -> int:
        return int(self.lengths.shape[0])

    @property
    def nbytes(self) -> int:
        arrays = (self.term_ids, self.offsets, self.positions, self.frequencies, self.lengths)
        return sum(int(a.nbytes) for a in arrays)

    def rows(self, ids: TermIds) -> npt.NDArray[np.int64]:
        """The row of each term id, -1 where this document does not contain it."""
        if self.term_ids.shape[0] == 0:
            return np.full(ids.shape[0], -1, dtype=np.int64)
        rows = np.searchsorted(self.term_ids, ids).astype(np.int64)
        rows[rows >= self.term_ids.shape[0]] = -1
        found = rows >= 0
        found[found] = self.term_ids[rows[found]] == ids[found]
        rows[~found] = -1
        return rows

    def document_frequencies(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """How many chunks hold each term (0 for rows of -1)."""
        present = rows >= 0
        counts = np.zeros(rows.shape[0], dtype=np.int64)
        counts[present] = self.offsets[rows[present] + 1] - self.offsets[rows[present]]
        return counts

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        # Local term ids from one dict pass, the vocabulary hashed once, then one np.unique
        # over (term, chunk) pairs: the build costs about as much as tokenising the text.
        tokenized = [terms(text) for text in texts]
        lengths = np.asarray([len(tokens) for tokens in tokenized], dtype=np.float32)
        vocabulary: dict[str, int] = {}
        local_ids = np.fromiter(
            (
                vocabulary.setdefault(token, len(vocabulary))
                for tokens in tokenized
                for token in tokens
            ),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        if local_ids.shape[0] == 0:
            return cls(
                term_ids=np.zeros(0, dtype=np.int64),
                offsets=np.zeros(1, dtype=np.int64),
                positions=np.zeros(0, dtype=np.int32),
                frequencies=np.zeros(0, dtype=np.float32),
                lengths=lengths,
            )
        hashed = np.fromiter((term_id(token) for token in vocabulary), dtype=np.int64)
        # Sorted ids; two tokens with the same id (a 64-bit collision) share one row.
        ids, rank = np.unique(hashed, return_inverse=True)
        count = len(texts)
        chunk_ids = np.repeat(np.arange(count, dtype=np.int64), lengths.astype(np.int64))
        pairs, counts = np.unique(rank[local_ids] * count + chunk_ids, return_counts=True)
        offsets = np.searchsorted(pairs // count, np.arange(ids.shape[0] + 1)).astype(np.int64)
        return cls(
            term_ids=ids.astype(np.int64),
            offsets=offsets,
            positions=(pairs % count).astype(np.int32),
            frequencies=counts.astype(np.float32),
            lengths=lengths,
        )


def bm25_scores(query: str, indexes: Sequence[LexicalIndex]) -> list[FloatArray]:
    """One score array per index (aligned with its chunks); all zeros when nothing matches."""
    ids = term_ids(query)
    scores = [np.zeros(index.size, dtype=np.float32) for index in indexes]
    total_chunks = sum(index.size for index in indexes)
    if ids.shape[0] == 0 or total_chunks == 0:
        return scores
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
    return scores


@dataclass(frozen=True)
class TermStatistics:
    """How the searched documents use some terms: for the relevance gate's weights."""

    passages: int
    document_frequency: dict[str, int]
    idf: dict[str, float]


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
    )


def _idf(total: int, frequency: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """BM25's inverse document frequency (never negative: Lucene's +1 inside the log)."""
    weights: npt.NDArray[np.float64] = np.log1p((total - frequency + 0.5) / (frequency + 0.5))
    return weights


def idf(total: int, frequency: int) -> float:
    """The IDF of a term found in `frequency` of `total` passages."""
    return float(_idf(total, np.asarray([frequency], dtype=np.int64))[0])
