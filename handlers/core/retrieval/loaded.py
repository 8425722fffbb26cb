"""A document as retrieval holds it in memory: chunks, BM25 postings, embedding matrix."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.llm.embeddings import Matrix
from handlers.core.retrieval.bm25 import LexicalIndex
from handlers.core.retrieval.passages import Chunk


@dataclass(frozen=True)
class LoadedDocument:
    document_id: str
    chunks: list[Chunk]
    lexical: LexicalIndex
    # None when the document was embedded with another model or dimensions than the
    # query embedder (or has no matrix): it is then searched with BM25 only.
    embeddings: Matrix | None
    embedding_model: str | None

    @property
    def nbytes(self) -> int:
        text = sum(len(chunk.text) for chunk in self.chunks)
        matrix = 0 if self.embeddings is None else int(self.embeddings.nbytes)
        return text + matrix + self.lexical.nbytes
