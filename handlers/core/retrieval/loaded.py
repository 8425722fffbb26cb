"""A document as retrieval holds it in memory: BM25 postings, the embedding matrix, and
its chunk text once a search returns one of its chunks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from handlers.core.llm.embeddings import Matrix
from handlers.core.retrieval.bm25 import LexicalIndex
from handlers.core.retrieval.passages import Chunk


class ChunkText:
    """A document's chunks, read at most once and only when first needed (thread-safe).

    Scoring needs only postings and embeddings; text is needed for the few chunks a
    search returns, so a cold search over many documents reads few `chunks.json` files.
    """

    def __init__(self, chunks: list[Chunk] | None = None) -> None:
        self._chunks = chunks
        self._lock = threading.Lock()

    @property
    def loaded(self) -> list[Chunk] | None:
        return self._chunks

    def get(self, load: Callable[[], list[Chunk]]) -> list[Chunk]:
        with self._lock:
            if self._chunks is None:
                self._chunks = load()
            return self._chunks


@dataclass(frozen=True)
class LoadedDocument:
    document_id: str
    user_id: str
    lexical: LexicalIndex
    # None when the document was embedded with another model or dimensions than the
    # query embedder (or has no matrix): it is then searched with BM25 only.
    embeddings: Matrix | None
    # The cache entry holding this document (its size grows when the text is read).
    cache_key: tuple[str, ...] = ()
    text: ChunkText = field(default_factory=ChunkText)
    # Digest of the `chunks.json` the postings were built from (None: built from the
    # text already in `text`); text read later must match it.
    chunks_digest: bytes | None = None

    @property
    def nbytes(self) -> int:
        chunks = self.text.loaded
        text = 0 if chunks is None else sum(len(chunk.text) for chunk in chunks)
        matrix = 0 if self.embeddings is None else int(self.embeddings.nbytes)
        return text + matrix + self.lexical.nbytes
