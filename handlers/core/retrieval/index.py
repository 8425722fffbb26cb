"""The retrieval interface and its in-memory hybrid implementation.

`VectorIndex` is what the agent's tools call. `HybridIndex` loads the documents given
(the caller's own, from S3 through the warm cache) and ranks their chunks twice — BM25
over the text and cosine over the embeddings — then fuses the two rankings with
reciprocal rank fusion. Passages of a table of contents or an index (flagged at ingest)
rank after every passage of body text: they share words with any question and answer
none. Another backend (e.g. Amazon S3 Vectors for corpora past one
function's memory) implements the same two methods.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np

from handlers.core.derived.loaded import LoadedDocument
from handlers.core.derived.passage import Passage
from handlers.core.derived.source import EmbeddingSpace, S3DocumentSource
from handlers.core.derived.vectors import OFFLINE_MODEL_ID, Embedder
from handlers.core.documents.models import DocumentRecord
from handlers.core.retrieval.bm25 import FloatArray, TermStatistics, bm25_scores, term_statistics
from handlers.core.retrieval.fusion import reciprocal_rank_fusion

# How deep each ranking goes before fusion.
CANDIDATES_PER_RANKING = 50
# The offline provider's hashed embeddings only re-measure word overlap, less precisely
# than BM25: at equal weight the labelled page of the answer-quality set's PDF questions
# was in the top 3 for 58 % of them, by BM25 alone for 83 % (docs/benchmarks.md). They
# only break BM25's near-ties.
HASHED_DENSE_WEIGHT = 0.1


class VectorIndex(Protocol):
    def search(
        self, documents: Sequence[DocumentRecord], query: str, *, top_k: int
    ) -> list[Passage]:
        """The best passages of these documents for the query, best first."""
        ...

    def read(self, document: DocumentRecord, chunk_index: int) -> Passage | None:
        """One chunk of one document, or None when it has no such chunk."""
        ...

    def term_statistics(
        self, documents: Sequence[DocumentRecord], terms: Collection[str]
    ) -> TermStatistics:
        """How many of these documents' passages contain each term (the gate's weights)."""
        ...

    @property
    def semantic(self) -> bool:
        """Whether dense scores come from a semantic model (evidence for the gate)."""
        ...


class HybridIndex:
    def __init__(self, source: S3DocumentSource, embedder: Embedder) -> None:
        self._source = source
        self._embedder = embedder
        self._space = EmbeddingSpace(embedder.model_id, embedder.dimensions)

    def search(
        self, documents: Sequence[DocumentRecord], query: str, *, top_k: int
    ) -> list[Passage]:
        if top_k <= 0 or not query.strip():
            return []
        loaded = self._source.load(documents, self._space)
        if not loaded:
            return []
        names = {doc.document_id: doc.name for doc in documents}
        titles = [_title(names.get(doc.document_id, "")) for doc in loaded]
        lexical = bm25_scores(query, [doc.lexical for doc in loaded], titles)
        dense = self._dense_scores(query, loaded)

        lexical_ranking = _ranking(lexical)
        dense_ranking = _ranking(dense, keep_non_positive=True)
        fused = reciprocal_rank_fusion(
            [lexical_ranking, dense_ranking],
            weights=(1.0, 1.0 if self.semantic else HASHED_DENSE_WEIGHT),
        )
        best = sorted(
            fused.items(),
            key=lambda item: (_is_navigation(loaded, *item[0]), -item[1], item[0]),
        )[:top_k]
        # Only now is text needed, and only for the documents of the chunks returned.
        needed = sorted({doc_position for (doc_position, _), _ in best})
        texts = dict(zip(needed, self._source.texts([loaded[p] for p in needed]), strict=True))
        passages: list[Passage] = []
        for (doc_position, chunk_position), score in best:
            doc = loaded[doc_position]
            stored = texts[doc_position]
            if stored is None:
                continue
            dense_scores = dense[doc_position]
            passages.append(
                replace(
                    stored[chunk_position],
                    document_name=names.get(doc.document_id, doc.document_id),
                    score=round(score, 6),
                    lexical_score=float(lexical[doc_position][chunk_position]),
                    dense_score=(
                        float(dense_scores[chunk_position]) if dense_scores is not None else 0.0
                    ),
                )
            )
        return passages

    def read(self, document: DocumentRecord, chunk_index: int) -> Passage | None:
        loaded = self._source.load([document], self._space)
        stored = self._source.texts(loaded)[0] if loaded else None
        for passage in stored or ():
            if passage.chunk_index == chunk_index:
                return replace(passage, document_name=document.name)
        return None

    def term_statistics(
        self, documents: Sequence[DocumentRecord], terms: Collection[str]
    ) -> TermStatistics:
        loaded = self._source.load(documents, self._space)
        return term_statistics(terms, [doc.lexical for doc in loaded])

    @property
    def semantic(self) -> bool:
        # Feature hashing measures word overlap, which BM25 already does better.
        return self._embedder.model_id != OFFLINE_MODEL_ID

    def _dense_scores(
        self, query: str, loaded: Sequence[LoadedDocument]
    ) -> list[FloatArray | None]:
        if all(doc.embeddings is None for doc in loaded):
            return [None] * len(loaded)  # BM25 only: no need to embed the query
        vector = self._embedder.embed([query])[0]
        if not vector.any():
            return [None] * len(loaded)
        return [None if doc.embeddings is None else doc.embeddings @ vector for doc in loaded]


def _title(name: str) -> str:
    """A document's name as a title: "gnuplot-manual.pdf" → "gnuplot-manual"."""
    stem, dot, extension = name.rpartition(".")
    return stem if dot and extension.isalnum() and len(extension) <= 5 else name


def _is_navigation(loaded: Sequence[LoadedDocument], doc_position: int, position: int) -> bool:
    flags = loaded[doc_position].navigation
    return bool(flags[position]) if flags is not None and position < flags.shape[0] else False


def _ranking(
    per_document: Sequence[FloatArray | None], *, keep_non_positive: bool = False
) -> list[tuple[int, int]]:
    """(document position, chunk position) of the best chunks across documents."""
    present = [(i, a) for i, a in enumerate(per_document) if a is not None and a.shape[0]]
    if not present:
        return []
    owners = np.concatenate([np.full(a.shape[0], i, dtype=np.int32) for i, a in present])
    positions = np.concatenate([np.arange(a.shape[0], dtype=np.int32) for _, a in present])
    scores = np.concatenate([a for _, a in present])
    if not keep_non_positive:
        keep = scores > 0
        owners, positions, scores = owners[keep], positions[keep], scores[keep]
    if scores.shape[0] == 0:
        return []
    depth = min(CANDIDATES_PER_RANKING, scores.shape[0])
    top = np.argpartition(-scores, depth - 1)[:depth]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(owners[i]), int(positions[i])) for i in top]
