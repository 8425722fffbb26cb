"""Loading a user's derived files from S3, cached across warm invocations.

The cache key is the document id plus the ETags of `chunks.json` and `embeddings.npy`,
so a re-ingested document is reloaded and an unchanged one costs two HEAD requests — and
none at all within `revalidate_after_seconds` of its last check, which keeps a warm
search over many documents from spending its time on HEADs (READY documents do not change
in place, and a deleted one is gone from the caller's list before retrieval runs). Only
documents passed in are loaded, and those come from the caller's own partition: another
user's files are never read. The cache is bounded by bytes (least recently used first).
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from handlers.core.documents.models import DocumentRecord
from handlers.core.layout import chunks_key, embeddings_key
from handlers.core.llm.embeddings import Matrix, normalise_rows
from handlers.core.retrieval.bm25 import LexicalIndex
from handlers.core.retrieval.loaded import LoadedDocument
from handlers.core.retrieval.passages import parse_chunks

logger = Logger(child=True)

DEFAULT_CACHE_BYTES = 512 * 1024 * 1024
DEFAULT_REVALIDATE_AFTER_SECONDS = 30.0
LOAD_CONCURRENCY = 8


@dataclass(frozen=True)
class EmbeddingSpace:
    """What the query embedder produces; stored matrices are used only when they match."""

    model_id: str
    dimensions: int


class DocumentCache:
    """LRU of loaded documents keyed by (document id, chunks ETag, embeddings ETag, space)."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, ...], LoadedDocument] = OrderedDict()
        # (document id, embedding space) → (entry key, monotonic time of the last check)
        self._checked: dict[tuple[str, str], tuple[tuple[str, ...], float]] = {}
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

    def mark_checked(self, document_id: str, space: str, key: tuple[str, ...]) -> None:
        with self._lock:
            self._checked[(document_id, space)] = (key, time.monotonic())

    def get(self, key: tuple[str, ...]) -> LoadedDocument | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[str, ...], document: LoadedDocument) -> None:
        with self._lock:
            # A newer version of the same document replaces the older one.
            for stale in [k for k in self._entries if k[0] == key[0] and k != key]:
                self._bytes -= self._entries.pop(stale).nbytes
            if key not in self._entries:
                self._entries[key] = document
                self._bytes += document.nbytes
            while self._bytes > self._max_bytes and len(self._entries) > 1:
                evicted_key, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.nbytes
                self._checked.pop((evicted_key[0], evicted_key[-1]), None)

    def __len__(self) -> int:
        return len(self._entries)


class MissingDerivedFilesError(Exception):
    """A READY document whose chunk file is gone (deleted in between): skipped."""


class S3DocumentSource:
    def __init__(
        self,
        s3: Any,
        bucket: str,
        cache: DocumentCache,
        *,
        revalidate_after_seconds: float = DEFAULT_REVALIDATE_AFTER_SECONDS,
    ) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._cache = cache
        self._revalidate_after = revalidate_after_seconds

    def load(
        self, documents: Sequence[DocumentRecord], space: EmbeddingSpace
    ) -> list[LoadedDocument]:
        """The documents that could be loaded, in the order given."""
        if not documents:
            return []
        workers = min(LOAD_CONCURRENCY, len(documents))
        if workers == 1:
            results = [self._load_one(document, space) for document in documents]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(lambda doc: self._load_one(doc, space), documents))
        return [loaded for loaded in results if loaded is not None]

    def _load_one(self, record: DocumentRecord, space: EmbeddingSpace) -> LoadedDocument | None:
        compatible = (
            record.embedding_model == space.model_id
            and record.embedding_dimensions == space.dimensions
        )
        space_tag = f"{space.model_id}/{space.dimensions}" if compatible else "-"
        recent = self._cache.recently_checked(record.document_id, space_tag, self._revalidate_after)
        if recent is not None:
            return recent
        try:
            chunks_etag = self._etag(chunks_key(record.user_id, record.document_id))
            matrix_etag = (
                self._etag(embeddings_key(record.user_id, record.document_id))
                if compatible
                else None
            )
            if chunks_etag is None:
                raise MissingDerivedFilesError(record.document_id)
            key = (record.document_id, chunks_etag, matrix_etag or "-", space_tag)
            loaded = self._cache.get(key)
            if loaded is None:
                loaded = self._read(record, space if matrix_etag else None)
                self._cache.put(key, loaded)
        except MissingDerivedFilesError:
            logger.warning("derived files missing", document_id=record.document_id)
            return None
        self._cache.mark_checked(record.document_id, space_tag, key)
        return loaded

    def _etag(self, key: str) -> str | None:
        try:
            return str(self._s3.head_object(Bucket=self._bucket, Key=key)["ETag"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def _read(self, record: DocumentRecord, space: EmbeddingSpace | None) -> LoadedDocument:
        body = self._get(chunks_key(record.user_id, record.document_id))
        chunks = parse_chunks(json.loads(body))
        embeddings: Matrix | None = None
        if space is not None:
            raw = self._get(embeddings_key(record.user_id, record.document_id))
            matrix = np.load(io.BytesIO(raw), allow_pickle=False)
            if matrix.ndim == 2 and matrix.shape == (len(chunks), space.dimensions):
                embeddings = normalise_rows(matrix)
            else:
                logger.warning(
                    "embedding matrix does not match its chunks; using BM25 only",
                    document_id=record.document_id,
                )
        return LoadedDocument(
            document_id=record.document_id,
            chunks=chunks,
            lexical=LexicalIndex.build([chunk.text for chunk in chunks]),
            embeddings=embeddings,
            embedding_model=record.embedding_model if embeddings is not None else None,
        )

    def _get(self, key: str) -> bytes:
        try:
            data: bytes = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise MissingDerivedFilesError(key) from exc
            raise
        return data
