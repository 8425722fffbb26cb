"""A document's lexical statistics: BM25 postings in CSR form over hashed term ids.

Terms are not strings but 64-bit ids hashed from the token (blake2b, stable across
processes), so documents built apart — at ingest, months apart — can be searched together
without a shared vocabulary. The ingest worker builds the postings once and stores them
(`lexical_file`); retrieval builds them from the text only for documents stored in the old
format. Ingest and query tokenise with `handlers.core.text.terms.terms`: a query term matches a stored
term only if both sides hash the same token. Scoring lives in `handlers.core.retrieval.bm25`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from handlers.core.text.terms import terms

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
