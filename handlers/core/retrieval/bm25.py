"""BM25 (Okapi) over chunk text, with statistics shared across a user's documents.

Each document keeps its own postings (term → chunk positions and term frequencies), built
once when it is loaded and cached with it. Corpus statistics (chunk count, average length,
document frequency) are summed over the documents searched at query time, so scores are
comparable across documents without rebuilding anything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from handlers.core.llm.embeddings import tokenize

K1 = 1.2
B = 0.75

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class LexicalIndex:
    """Postings of one document in CSR form: term → slice of (chunk positions, tf)."""

    terms: dict[str, int]
    offsets: IntArray
    positions: IntArray
    frequencies: FloatArray
    lengths: FloatArray

    @property
    def size(self) -> int:
        return int(self.lengths.shape[0])

    @property
    def nbytes(self) -> int:
        arrays = (self.offsets, self.positions, self.frequencies, self.lengths)
        return sum(int(a.nbytes) for a in arrays) + 64 * len(self.terms)

    def postings(self, term: str) -> tuple[IntArray, FloatArray] | None:
        row = self.terms.get(term)
        if row is None:
            return None
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        return self.positions[start:end], self.frequencies[start:end]

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        # Term ids from one dict pass, then one np.unique over (term, chunk) pairs: the
        # build costs about as much as tokenising the text.
        tokenized = [tokenize(text) for text in texts]
        lengths = np.asarray([len(tokens) for tokens in tokenized], dtype=np.float32)
        vocabulary: dict[str, int] = {}
        term_ids = np.fromiter(
            (
                vocabulary.setdefault(token, len(vocabulary))
                for tokens in tokenized
                for token in tokens
            ),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        if term_ids.shape[0] == 0:
            empty = np.zeros(0, dtype=np.int32)
            return cls({}, np.zeros(1, dtype=np.int32), empty, empty.astype(np.float32), lengths)
        chunk_ids = np.repeat(np.arange(len(texts), dtype=np.int64), lengths.astype(np.int64))
        pairs, counts = np.unique(term_ids * len(texts) + chunk_ids, return_counts=True)
        pair_terms = pairs // len(texts)
        offsets = np.searchsorted(pair_terms, np.arange(len(vocabulary) + 1)).astype(np.int32)
        return cls(
            terms=vocabulary,
            offsets=offsets,
            positions=(pairs % len(texts)).astype(np.int32),
            frequencies=counts.astype(np.float32),
            lengths=lengths,
        )


def bm25_scores(query: str, indexes: Sequence[LexicalIndex]) -> list[FloatArray]:
    """One score array per index (aligned with its chunks); all zeros when nothing matches."""
    terms = set(tokenize(query))
    scores = [np.zeros(index.size, dtype=np.float32) for index in indexes]
    total_chunks = sum(index.size for index in indexes)
    if not terms or total_chunks == 0:
        return scores
    average_length = max(float(sum(index.lengths.sum() for index in indexes)) / total_chunks, 1.0)
    for term in terms:
        found = [index.postings(term) for index in indexes]
        frequency = sum(postings[0].shape[0] for postings in found if postings is not None)
        if frequency == 0:
            continue
        idf = math.log(1.0 + (total_chunks - frequency + 0.5) / (frequency + 0.5))
        for index, score, postings in zip(indexes, scores, found, strict=True):
            if postings is None:
                continue
            positions, tf = postings
            norm = K1 * (1.0 - B + B * index.lengths[positions] / average_length)
            score[positions] += (idf * tf * (K1 + 1.0) / (tf + norm)).astype(np.float32)
    return scores
