"""The warm function's cache of loaded documents, bounded by bytes (LRU).

Entries are keyed by (document id, …the ETags and format they were read from…, embedding
space): a re-ingested document gets a new key and replaces its older entry. Beside the
entries, the cache remembers when each document was last checked against S3 and under
which key, so a search within the revalidation window makes no S3 call, and one after it
re-checks only the files that entry was read from.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from handlers.core.derived.loaded import LoadedDocument

DEFAULT_CACHE_BYTES = 512 * 1024 * 1024

CacheKey = tuple[str, ...]


class DocumentCache:
    """LRU of loaded documents; a key's first item is the document id, its last the space."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, LoadedDocument] = OrderedDict()
        self._sizes: dict[CacheKey, int] = {}
        # (document id, embedding space) → (entry key, monotonic time of the last check)
        self._checked: dict[tuple[str, str], tuple[CacheKey, float]] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def recently_checked(
        self, document_id: str, space: str, max_age_seconds: float
    ) -> LoadedDocument | None:
        with self._lock:
            checked = self._checked.get((document_id, space))
            if checked is None or time.monotonic() - checked[1] > max_age_seconds:
                return None
            entry = self._entries.get(checked[0])
            if entry is not None:
                self._entries.move_to_end(checked[0])
            return entry

    def last_checked_key(self, document_id: str, space: str) -> CacheKey | None:
        """The key the document was last found under, however long ago."""
        with self._lock:
            checked = self._checked.get((document_id, space))
            return None if checked is None else checked[0]

    def mark_checked(self, document_id: str, space: str, key: CacheKey) -> None:
        with self._lock:
            self._checked[(document_id, space)] = (key, time.monotonic())

    def get(self, key: CacheKey) -> LoadedDocument | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: CacheKey, document: LoadedDocument) -> None:
        with self._lock:
            # A newer version of the same document replaces the older one.
            for stale in [k for k in self._entries if k[0] == key[0] and k != key]:
                self._remove(stale)
            if key not in self._entries:
                self._entries[key] = document
                self._sizes[key] = document.nbytes
                self._bytes += self._sizes[key]
            self._evict()

    def resize(self, key: CacheKey) -> None:
        """Account for an entry that grew (its chunk text was read)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return
            size = entry.nbytes
            self._bytes += size - self._sizes[key]
            self._sizes[key] = size
            self._evict()

    def discard(self, key: CacheKey) -> None:
        with self._lock:
            if key in self._entries:
                self._remove(key)
            self._checked.pop((key[0], key[-1]), None)

    def __len__(self) -> int:
        return len(self._entries)

    def _remove(self, key: CacheKey) -> None:
        del self._entries[key]
        self._bytes -= self._sizes.pop(key)

    def _evict(self) -> None:
        while self._bytes > self._max_bytes and len(self._entries) > 1:
            evicted_key = next(iter(self._entries))
            self._remove(evicted_key)
            self._checked.pop((evicted_key[0], evicted_key[-1]), None)
