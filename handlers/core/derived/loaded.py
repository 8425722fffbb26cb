"""A document as retrieval holds it in memory: lexical statistics, the embedding matrix,
navigation flags, and its passages' text once a search returns one of them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from handlers.core.derived.lexical import LexicalIndex
from handlers.core.derived.lexical_file import Flags
from handlers.core.derived.passage import Passage
from handlers.core.derived.vectors import Matrix


class PassageText:
    """A document's passages, read at most once and only when first needed (thread-safe).

    Scoring needs only statistics and embeddings; text is needed for the few passages a
    search returns, so a cold search over many documents reads few text files.
    """

    def __init__(self, passages: list[Passage] | None = None) -> None:
        self._passages = passages
        self._lock = threading.Lock()

    @property
    def loaded(self) -> list[Passage] | None:
        return self._passages

    def get(self, load: Callable[[], list[Passage]]) -> list[Passage]:
        with self._lock:
            if self._passages is None:
                self._passages = load()
            return self._passages


@dataclass(frozen=True)
class LoadedDocument:
    document_id: str
    user_id: str
    lexical: LexicalIndex
    # None when the document was embedded with another model or dimensions than the
    # query embedder (or has no matrix): it is then searched with BM25 only.
    embeddings: Matrix | None
    # True for each passage of a table of contents or an index (None: no flags, format 1).
    navigation: Flags | None = None
    # The cache entry holding this document (its size grows when the text is read).
    cache_key: tuple[str, ...] = ()
    text: PassageText = field(default_factory=PassageText)
    # Digest of the text file the statistics were built from (None: built from the text
    # already in `text`); text read later must match it.
    chunks_digest: bytes | None = None

    @property
    def nbytes(self) -> int:
        passages = self.text.loaded
        text = 0 if passages is None else sum(len(passage.text) for passage in passages)
        matrix = 0 if self.embeddings is None else int(self.embeddings.nbytes)
        flags = 0 if self.navigation is None else int(self.navigation.nbytes)
        return text + matrix + flags + self.lexical.nbytes
