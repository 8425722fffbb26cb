"""BM25 (Okapi) over chunk text, with statistics shared across a user's documents.

Each document keeps its own postings (term → chunk positions and term frequencies), built
once when it is loaded and cached with it. Corpus statistics (chunk count, average length,
document frequency) are summed over the documents searched at query time, so scores are
comparable across documents without rebuilding anything.
"""

from __future__ import annotations

import math
from collections import Counter
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
class Postings:
    chunk_positions: IntArray
    term_frequencies: FloatArray


@dataclass(frozen=True)
class LexicalIndex:
    postings: dict[str, Postings]
    lengths: FloatArray

    @property
    def size(self) -> int:
        return int(self.lengths.shape[0])

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        positions: dict[str, list[int]] = {}
        frequencies: dict[str, list[int]] = {}
        lengths = np.zeros(len(texts), dtype=np.float32)
        for position, text in enumerate(texts):
            tokens = tokenize(text)
            lengths[position] = len(tokens)
            for term, count in Counter(tokens).items():
                positions.setdefault(term, []).append(position)
                frequencies.setdefault(term, []).append(count)
        postings = {
            term: Postings(
                np.asarray(positions[term], dtype=np.int32),
                np.asarray(frequencies[term], dtype=np.float32),
            )
            for term in positions
        }
        return cls(postings=postings, lengths=lengths)


def bm25_scores(query: str, indexes: Sequence[LexicalIndex]) -> list[FloatArray]:
    """One score array per index (aligned with its chunks); all zeros when nothing matches."""
    terms = set(tokenize(query))
    scores = [np.zeros(index.size, dtype=np.float32) for index in indexes]
    total_chunks = sum(index.size for index in indexes)
    if not terms or total_chunks == 0:
        return scores
    average_length = max(float(sum(index.lengths.sum() for index in indexes)) / total_chunks, 1.0)
    for term in terms:
        frequency = sum(
            index.postings[term].chunk_positions.shape[0]
            for index in indexes
            if term in index.postings
        )
        if frequency == 0:
            continue
        idf = math.log(1.0 + (total_chunks - frequency + 0.5) / (frequency + 0.5))
        for index, score in zip(indexes, scores, strict=True):
            postings = index.postings.get(term)
            if postings is None:
                continue
            tf = postings.term_frequencies
            norm = K1 * (1.0 - B + B * index.lengths[postings.chunk_positions] / average_length)
            score[postings.chunk_positions] += (idf * tf * (K1 + 1.0) / (tf + norm)).astype(
                np.float32
            )
    return scores
