"""Loading a user's derived files from S3, cached across warm invocations.

A search needs each document's lexical statistics and embedding matrix; passage text only
for the passages it returns. So a document is loaded from `bm25.npz` (statistics
precomputed by the ingest worker) and `embeddings.npy`, and its `passages.json` is read
later, only if one of its passages is returned (`texts`). A document without a readable
`bm25.npz` of this format — one stored in format 1, whose postings came from the old
tokenizer, or one written before `bm25.npz` existed — is loaded from its text instead
(`passages.json`, else format 1's `chunks.json`) and tokenised here, as ingest would.

The cache key is the document id plus the ETags of the files it was read from (a cold
load makes GETs only: their responses carry the ETags), so a re-ingested document is
reloaded and an unchanged one costs two HEAD requests — and none at all within
`revalidate_after_seconds` of its last check, which keeps a warm search over many
documents from spending its time on HEADs (READY documents do not change in place, and a
deleted one is gone from the caller's list before retrieval runs). Only documents passed
in are loaded, and those come from the caller's own partition: another user's files are
never read. The cache is bounded by bytes (least recently used first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from handlers.core.contracts.layout import bm25_key, chunks_key, embeddings_key, passages_key
from handlers.core.derived.cache import CacheKey, DocumentCache
from handlers.core.derived.lexical import LexicalIndex
from handlers.core.derived.lexical_file import (
    Flags,
    LexicalFileError,
    chunks_digest,
    read_lexical_file,
)
from handlers.core.derived.loaded import LoadedDocument, PassageText
from handlers.core.derived.passage import Passage
from handlers.core.derived.passages_file import (
    PassagesFileError,
    read_legacy_chunks,
    read_passages_file,
)
from handlers.core.derived.s3_objects import get_object, is_missing
from handlers.core.derived.vectors import Matrix, normalise_rows, read_matrix
from handlers.core.documents.models import DocumentRecord

__all__ = [
    "DocumentCache",
    "EmbeddingSpace",
    "MissingDerivedFilesError",
    "S3DocumentSource",
]

logger = Logger(child=True)

DEFAULT_REVALIDATE_AFTER_SECONDS = 30.0
LOAD_CONCURRENCY = 8

# Where a document's statistics come from (the second item of its cache key).
FROM_POSTINGS = "bm25"
FROM_PASSAGES = "passages"
FROM_CHUNKS = "chunks"  # format 1

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class EmbeddingSpace:
    """What the query embedder produces; stored matrices are used only when they match."""

    model_id: str
    dimensions: int


class MissingDerivedFilesError(Exception):
    """A READY document whose derived files are gone (deleted in between): skipped."""


class ChangedDerivedFilesError(Exception):
    """The text file is not the text the cached statistics were built from."""


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
        # Recently checked documents first, on this thread: a warm search starts no pool.
        results = [self._recent(doc, space) for doc in documents]
        pending = [i for i, loaded in enumerate(results) if loaded is None]
        for i, loaded in zip(
            pending, _map(lambda i: self._load_one(documents[i], space), pending), strict=True
        ):
            results[i] = loaded
        return [loaded for loaded in results if loaded is not None]

    def texts(self, documents: Sequence[LoadedDocument]) -> list[list[Passage] | None]:
        """Each document's passages (read now if not yet); None when they cannot be read."""
        results = [doc.text.loaded for doc in documents]
        pending = [i for i, passages in enumerate(results) if passages is None]
        for i, passages in zip(
            pending, _map(lambda i: self._text(documents[i]), pending), strict=True
        ):
            results[i] = passages
        return results

    def _recent(self, record: DocumentRecord, space: EmbeddingSpace) -> LoadedDocument | None:
        space_tag = _space_tag(record, space)
        return self._cache.recently_checked(record.document_id, space_tag, self._revalidate_after)

    def _load_one(self, record: DocumentRecord, space: EmbeddingSpace) -> LoadedDocument | None:
        space_tag = _space_tag(record, space)
        compatible = space_tag != "-"
        try:
            key, loaded = self._revalidate(record, space_tag, compatible)
            if loaded is None:
                key, loaded = self._read(record, space_tag, space if compatible else None)
                self._cache.put(key, loaded)
        except MissingDerivedFilesError:
            logger.warning("derived files missing", document_id=record.document_id)
            return None
        self._cache.mark_checked(record.document_id, space_tag, key)
        return loaded

    def _revalidate(
        self, record: DocumentRecord, space_tag: str, compatible: bool
    ) -> tuple[CacheKey, LoadedDocument | None]:
        """Re-check only the files the cached entry was read from (two HEADs)."""
        previous = self._cache.last_checked_key(record.document_id, space_tag)
        if previous is None:
            return (), None
        etag = self._etag(_source_key(previous[1], record.user_id, record.document_id))
        if etag is None:
            return (), None
        matrix_etag = (
            self._etag(embeddings_key(record.user_id, record.document_id)) if compatible else None
        )
        key = (record.document_id, previous[1], etag, matrix_etag or "-", space_tag)
        return key, self._cache.get(key)

    def _read(
        self, record: DocumentRecord, space_tag: str, space: EmbeddingSpace | None
    ) -> tuple[CacheKey, LoadedDocument]:
        """GETs only (their responses carry the ETags): the statistics, else the text."""
        user_id, document_id = record.user_id, record.document_id
        lexical: LexicalIndex | None = None
        navigation: Flags | None = None
        digest: bytes | None = None
        text = PassageText()
        source, etag = FROM_POSTINGS, ""
        found = self._get(bm25_key(user_id, document_id))
        if found is not None:
            try:
                stored = read_lexical_file(found[0])
                lexical, digest, navigation = stored.index, stored.chunks_digest, stored.navigation
                etag = found[1]
            except LexicalFileError:
                logger.info("bm25 file of another format; using the text", document_id=document_id)
        if lexical is None:
            source, etag, passages = self._read_text(user_id, document_id)
            lexical = LexicalIndex.build([passage.indexed_text for passage in passages])
            navigation = _flags(passages)
            text = PassageText(passages)
        embeddings: Matrix | None = None
        matrix_etag = "-"
        if space is not None:
            matrix = self._get(embeddings_key(user_id, document_id))
            if matrix is not None:
                embeddings = self._matrix(record, matrix[0], space, lexical.size)
                matrix_etag = matrix[1]
        key = (document_id, source, etag, matrix_etag, space_tag)
        loaded = LoadedDocument(
            document_id=document_id,
            user_id=user_id,
            lexical=lexical,
            embeddings=embeddings,
            navigation=navigation,
            cache_key=key,
            text=text,
            chunks_digest=digest,
        )
        return key, loaded

    def _read_text(self, user_id: str, document_id: str) -> tuple[str, str, list[Passage]]:
        """(source, ETag, passages) from `passages.json`, else format 1's `chunks.json`."""
        found = self._get(passages_key(user_id, document_id))
        try:
            if found is not None:
                return FROM_PASSAGES, found[1], _passages(document_id, found[0])
            body, etag = self._require(chunks_key(user_id, document_id))
            return FROM_CHUNKS, etag, read_legacy_chunks(document_id, body)
        except PassagesFileError as exc:
            logger.warning("unreadable passages file", document_id=document_id)
            raise MissingDerivedFilesError(document_id) from exc

    def _matrix(
        self, record: DocumentRecord, raw: bytes, space: EmbeddingSpace, rows: int
    ) -> Matrix | None:
        try:
            matrix = read_matrix(raw)
        except ValueError:
            matrix = None
        if matrix is not None and matrix.ndim == 2 and matrix.shape == (rows, space.dimensions):
            return normalise_rows(matrix)
        logger.warning(
            "embedding matrix does not match its passages; using BM25 only",
            document_id=record.document_id,
        )
        return None

    def _text(self, document: LoadedDocument) -> list[Passage] | None:
        try:
            passages = document.text.get(
                lambda: self._fetch_passages(
                    document.user_id, document.document_id, document.chunks_digest
                )
            )
        except (MissingDerivedFilesError, ChangedDerivedFilesError) as exc:
            # Deleted or re-ingested since it was loaded: the next search reloads it.
            logger.warning(
                "passage text unavailable",
                document_id=document.document_id,
                reason=type(exc).__name__,
            )
            self._cache.discard(document.cache_key)
            return None
        if len(passages) != document.lexical.size:
            logger.warning("passage count does not match", document_id=document.document_id)
            self._cache.discard(document.cache_key)
            return None
        self._cache.resize(document.cache_key)
        return passages

    def _fetch_passages(
        self, user_id: str, document_id: str, digest: bytes | None
    ) -> list[Passage]:
        body, _ = self._require(passages_key(user_id, document_id))
        if digest is not None and chunks_digest(body) != digest:
            raise ChangedDerivedFilesError(document_id)
        try:
            return _passages(document_id, body)
        except PassagesFileError as exc:
            raise ChangedDerivedFilesError(document_id) from exc

    def _etag(self, key: str) -> str | None:
        try:
            return str(self._s3.head_object(Bucket=self._bucket, Key=key)["ETag"])
        except ClientError as exc:
            if is_missing(exc):
                return None
            raise

    def _get(self, key: str) -> tuple[bytes, str] | None:
        """The object's bytes and ETag; None when it does not exist."""
        return get_object(self._s3, self._bucket, key)

    def _require(self, key: str) -> tuple[bytes, str]:
        found = self._get(key)
        if found is None:
            raise MissingDerivedFilesError(key)
        return found


def _space_tag(record: DocumentRecord, space: EmbeddingSpace) -> str:
    """The query's embedding space if the document's matrix is comparable with it, else "-"."""
    compatible = (
        record.embedding_model == space.model_id and record.embedding_dimensions == space.dimensions
    )
    return f"{space.model_id}/{space.dimensions}" if compatible else "-"


def _source_key(source: str, user_id: str, document_id: str) -> str:
    if source == FROM_POSTINGS:
        return bm25_key(user_id, document_id)
    if source == FROM_PASSAGES:
        return passages_key(user_id, document_id)
    return chunks_key(user_id, document_id)


def _passages(document_id: str, body: bytes) -> list[Passage]:
    return read_passages_file(document_id, body).passages


def _flags(passages: Sequence[Passage]) -> Flags:
    return np.asarray([passage.navigation for passage in passages], dtype=bool)


def _map(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`function` over the items, on up to LOAD_CONCURRENCY threads (S3 calls wait on I/O)."""
    workers = min(LOAD_CONCURRENCY, len(items))
    if workers <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))
