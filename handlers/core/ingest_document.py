"""The ingest use case: one uploaded raw object → a READY or FAILED document.

Steps: find the document the key names (gone → the upload is an orphan: delete it;
not PENDING → a duplicate delivery: nothing to do, unless it is READY in an older derived
format: then this is a re-index, `scripts/reindex.py`), check the size, read the bytes,
check the real type, extract text per page or section, clean it into parts, split the
parts into passages, embed, write `derived/` files, mark READY with counts. A problem with the file itself (`ExtractionError`) marks the document
FAILED with a reason the user can read and is not retried. Anything else (throttling,
timeouts, the embedding provider being down) propagates, so SQS delivers the message
again; `fail_after_retries` records a reason when the last delivery fails too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from aws_lambda_powertools import Logger

from handlers.core.chunking import chunk_parts
from handlers.core.clock import utc_now
from handlers.core.derived import FORMAT_VERSION
from handlers.core.derived.parts import build_parts
from handlers.core.derived.writer import write_derived
from handlers.core.documents.files import DocumentFiles
from handlers.core.documents.models import DocumentRecord, DocumentStatus
from handlers.core.documents.table import DocumentTable
from handlers.core.extraction import ExtractionError, ExtractionLimits, Page, extract_pages
from handlers.core.layout import SUPPORTED_CONTENT_TYPES, parse_raw_key, raw_key
from handlers.core.llm.embeddings import Embedder
from handlers.core.llm.errors import LlmNotConfiguredError
from handlers.core.settings import IngestSettings

logger = Logger(child=True)

RETRIES_EXHAUSTED_REASON = (
    "The document could not be processed because a service kept failing. Upload it again later."
)
NOT_CONFIGURED_REASON = (
    "The document could not be indexed because the language model is not configured yet. "
    "Upload it again once an administrator has set it up."
)


# Formats whose page numbers a reader can cite (text files too, when form feeds page them).
PAGED_KINDS = frozenset({"pdf", "docx"})


class Outcome(StrEnum):
    READY = "READY"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


@dataclass(frozen=True)
class IngestResult:
    outcome: Outcome
    document_id: str | None = None
    # For FAILED: the short failure code; for SKIPPED: why nothing was done.
    code: str | None = None
    pages: int = 0
    chunks: int = 0
    duration_ms: float = 0.0


@dataclass
class IngestContext:
    table: DocumentTable
    files: DocumentFiles
    settings: IngestSettings
    # Built on first use: documents that fail before embedding never need a provider.
    embedder_factory: Callable[[], Embedder]
    _embedder: Embedder | None = field(default=None, init=False, repr=False)

    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = self.embedder_factory()
        return self._embedder

    @property
    def limits(self) -> ExtractionLimits:
        return ExtractionLimits(
            max_bytes=self.settings.max_upload_bytes, max_pages=self.settings.max_pages
        )


def ingest_object(ctx: IngestContext, key: str, *, event_size: int | None = None) -> IngestResult:
    """Process one `ObjectCreated` key (as S3 delivers it: URL-encoded)."""
    started = time.perf_counter()
    parsed = parse_raw_key(key)
    if parsed is None:
        logger.warning("not a raw document key; ignored")
        return IngestResult(Outcome.SKIPPED, code="not_a_document")
    record = ctx.table.get(parsed.user_id, parsed.document_id)
    if record is None:
        # The item is written before the upload form is handed out, so an object without
        # one was uploaded after its document was deleted: remove it too.
        ctx.files.delete_document_objects(parsed.user_id, parsed.document_id)
        logger.info("document no longer exists; upload removed", document_id=parsed.document_id)
        return IngestResult(Outcome.SKIPPED, parsed.document_id, code="deleted")
    reindex = _needs_reindex(record)
    if record.status is not DocumentStatus.PENDING and not reindex:
        logger.info("document already processed", document_id=record.document_id)
        return IngestResult(Outcome.SKIPPED, record.document_id, code="duplicate")
    if record.raw_key != raw_key(parsed.user_id, parsed.document_id, parsed.filename):
        logger.warning("upload key does not match the document", document_id=record.document_id)
        return IngestResult(Outcome.SKIPPED, record.document_id, code="unexpected_key")

    try:
        pages = _read_pages(ctx, record, event_size)
    except ExtractionError as exc:
        return _fail(ctx, record, exc, started)
    if pages is None:
        return IngestResult(Outcome.SKIPPED, record.document_id, code="object_missing")

    kind = SUPPORTED_CONTENT_TYPES[record.content_type]
    paged = kind in PAGED_KINDS or len({page.number for page in pages}) > 1
    parts = build_parts(pages, paged=paged)
    chunks = chunk_parts(record.document_id, parts)
    embedder = ctx.embedder()
    matrix = embedder.embed([chunk.indexed_text for chunk in chunks])
    write_derived(
        ctx.files,
        record.user_id,
        record.document_id,
        parts,
        chunks,
        matrix,
        replaces_legacy=reindex,
    )
    finished = ctx.table.mark_ready(
        record.user_id,
        record.document_id,
        pages=max(page.number for page in pages),
        chunks=len(chunks),
        characters=sum(len(part.text) for part in parts),
        embedding_model=embedder.model_id,
        embedding_dimensions=embedder.dimensions,
        derived_format=FORMAT_VERSION,
        now=utc_now(),
        reindexed=reindex,
    )
    if not finished:
        # Deleted (or finished by a parallel delivery) meanwhile: leave nothing behind.
        if ctx.table.get(record.user_id, record.document_id) is None:
            ctx.files.delete_derived(record.user_id, record.document_id)
        return IngestResult(Outcome.SKIPPED, record.document_id, code="changed_meanwhile")
    duration_ms = (time.perf_counter() - started) * 1000
    logger.info(
        "document ready",
        document_id=record.document_id,
        reindexed=reindex,
        pages=len(pages),
        chunks=len(chunks),
        duration_ms=round(duration_ms),
    )
    return IngestResult(
        Outcome.READY,
        record.document_id,
        pages=len(pages),
        chunks=len(chunks),
        duration_ms=duration_ms,
    )


def _needs_reindex(record: DocumentRecord) -> bool:
    """READY, with derived files of an older format: the delivery is a re-index."""
    return record.status is DocumentStatus.READY and (record.derived_format or 1) < FORMAT_VERSION


def fail_after_retries(ctx: IngestContext, key: str, error: Exception) -> None:
    """The last delivery failed too: tell the user instead of leaving the document PENDING."""
    parsed = parse_raw_key(key)
    if parsed is not None:
        reason = (
            NOT_CONFIGURED_REASON
            if isinstance(error, LlmNotConfiguredError)
            else RETRIES_EXHAUSTED_REASON
        )
        ctx.table.mark_failed(parsed.user_id, parsed.document_id, reason=reason, now=utc_now())


def _read_pages(
    ctx: IngestContext, record: DocumentRecord, event_size: int | None
) -> list[Page] | None:
    limits = ctx.limits
    kind = SUPPORTED_CONTENT_TYPES.get(record.content_type)
    if kind is None:
        raise ExtractionError("unsupported_type", "This file type is not supported.")
    # Refuse oversized files before reading a byte: first the size the event declares,
    # then the stored size (the upload policy already caps it; this is defence in depth).
    _check_size(event_size, limits)
    size = ctx.files.size_of(record.raw_key)
    if size is None:
        logger.info("upload no longer exists", document_id=record.document_id)
        return None
    _check_size(size, limits)
    data = ctx.files.read(record.raw_key, max_bytes=limits.max_bytes)
    return extract_pages(data, kind, limits)


def _check_size(size: int | None, limits: ExtractionLimits) -> None:
    if size is None:
        return
    if size > limits.max_bytes:
        raise ExtractionError(
            "too_large",
            f"The file is larger than the {limits.max_bytes // (1024 * 1024) or 1} MB limit.",
        )
    if size == 0:
        raise ExtractionError("empty", "The file is empty.")


def _fail(
    ctx: IngestContext, record: DocumentRecord, exc: ExtractionError, started: float
) -> IngestResult:
    ctx.table.mark_failed(record.user_id, record.document_id, reason=exc.reason, now=utc_now())
    logger.info("document failed", document_id=record.document_id, reason_code=exc.code)
    return IngestResult(
        Outcome.FAILED,
        record.document_id,
        code=exc.code,
        duration_ms=(time.perf_counter() - started) * 1000,
    )
