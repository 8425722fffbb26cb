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

from handlers.core.clock import utc_now
from handlers.core.contracts.layout import SUPPORTED_CONTENT_TYPES, parse_raw_key, raw_key
from handlers.core.derived import FORMAT_VERSION
from handlers.core.derived.parts import build_parts
from handlers.core.derived.passage import Part, Passage
from handlers.core.derived.vectors import Embedder
from handlers.core.derived.writer import write_derived
from handlers.core.documents.files import DocumentFiles
from handlers.core.documents.models import DocumentRecord, DocumentStatus
from handlers.core.documents.table import DocumentTable
from handlers.core.extraction import ExtractionError, ExtractionLimits, extract_pages
from handlers.core.extraction.bounded import BoundedExtractionError, ChildLimits, run_bounded
from handlers.core.ingest.chunking import chunk_parts
from handlers.core.llm.errors import LlmNotConfiguredError
from handlers.core.runtime.settings import IngestSettings
from handlers.core.runtime.tracing import tracer

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


MISSING_UPLOAD_REASON = "The uploaded file was not found. Upload it again."

# When the caller has no Lambda context to derive limits from (tests, scripts).
DEFAULT_CHILD_LIMITS = ChildLimits(memory_bytes=1024 * 1024 * 1024, cpu_seconds=60, wall_seconds=60)


def ingest_object(
    ctx: IngestContext,
    key: str,
    *,
    event_size: int | None = None,
    child_limits: ChildLimits = DEFAULT_CHILD_LIMITS,
) -> IngestResult:
    """Process one `ObjectCreated` key (as S3 delivers it: URL-encoded).

    Extraction and chunking run in a child process within `child_limits`
    (`handlers.core.extraction.bounded`): a file that breaches them ends FAILED.
    """
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

    size: int | None = None
    try:
        size = _stored_size(ctx, record, event_size)
        if size is None:
            # The upload is gone (or unreadable) while its document still waits for it:
            # nothing will ever arrive, so the document must not show Processing forever.
            raise ExtractionError("object_missing", MISSING_UPLOAD_REASON)
        extracted = _read_pages(ctx, record, child_limits)
    except ExtractionError as exc:
        # The size S3 reported in the event is the real one too, when the object was not
        # looked at.
        return _fail(ctx, record, exc, started, size=size if size is not None else event_size)

    chunks = extracted.passages
    finished = write_ready(
        ctx.files,
        ctx.table,
        record.user_id,
        record.document_id,
        extracted,
        ctx.embedder(),
        size=size,
        reindex=reindex,
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
        pages=extracted.pages,
        chunks=len(chunks),
        duration_ms=round(duration_ms),
    )
    return IngestResult(
        Outcome.READY,
        record.document_id,
        pages=extracted.pages,
        chunks=len(chunks),
        duration_ms=duration_ms,
    )


def write_ready(
    files: DocumentFiles,
    table: DocumentTable,
    user_id: str,
    document_id: str,
    extracted: ExtractedText,
    embedder: Embedder,
    *,
    size: int | None = None,
    reindex: bool = False,
) -> bool:
    """Embed the passages, write the derived files, then mark the document READY: what
    ingest does with a document's text (the tests seed their documents through it too).
    False when the item is gone or no longer in the status it expected.

    `size`: the stored object's real size; `reindex`: the document was READY in an older
    derived format (its format-1 files are replaced).
    """
    parts, chunks = extracted.parts, extracted.passages
    matrix = embedder.embed([chunk.indexed_text for chunk in chunks])
    write_derived(files, user_id, document_id, parts, chunks, matrix, replaces_legacy=reindex)
    return table.mark_ready(
        user_id,
        document_id,
        pages=extracted.pages,
        chunks=len(chunks),
        characters=sum(len(part.text) for part in parts),
        embedding_model=embedder.model_id,
        embedding_dimensions=embedder.dimensions,
        derived_format=FORMAT_VERSION,
        now=utc_now(),
        size=size,
        reindexed=reindex,
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


@dataclass(frozen=True)
class ExtractedText:
    """What the bounded child hands back: the page count, the parts and their passages."""

    pages: int
    parts: list[Part]
    passages: list[Passage]


def parts_and_passages(
    data: bytes, kind: str, limits: ExtractionLimits, document_id: str
) -> ExtractedText:
    """Bytes → pages → cleaned parts → passages: the step that runs in the bounded child."""
    pages = extract_pages(data, kind, limits)
    paged = kind in PAGED_KINDS or len({page.number for page in pages}) > 1
    parts = build_parts(pages, paged=paged)
    return ExtractedText(
        pages=max(page.number for page in pages),
        parts=parts,
        passages=chunk_parts(document_id, parts),
    )


@tracer.capture_method(capture_response=False)
def extract_in_child(
    data: bytes, kind: str, limits: ExtractionLimits, child_limits: ChildLimits, document_id: str
) -> ExtractedText:
    """`parts_and_passages` in the bounded child; this subsegment covers it (the child
    itself sends no traces)."""
    tracer.put_annotation("content_kind", kind)
    try:
        result, run = run_bounded(
            parts_and_passages, data, kind, limits, document_id, limits=child_limits
        )
    except BoundedExtractionError as exc:
        tracer.put_annotation("breach", exc.how)
        logger.warning(
            "extraction breached its limits",
            document_id=document_id,
            breach=exc.how,
            peak_rss_mb=round(exc.run.peak_rss_bytes / 1_048_576),
            cpu_seconds=round(exc.run.cpu_seconds, 2),
            memory_limit_mb=child_limits.memory_bytes // 1_048_576,
            cpu_limit_seconds=round(child_limits.cpu_seconds, 1),
        )
        raise
    logger.info(
        "extraction finished",
        document_id=document_id,
        peak_rss_mb=round(run.peak_rss_bytes / 1_048_576),
        cpu_seconds=round(run.cpu_seconds, 2),
        overhead_ms=round(run.overhead_seconds * 1000, 1),
    )
    return result


def _stored_size(ctx: IngestContext, record: DocumentRecord, event_size: int | None) -> int | None:
    """The stored object's real size (None when it is gone), after refusing oversized files
    before reading a byte: first by the size the event reports, then by the stored size
    (the upload policy already pins it to the declared size; this is defence in depth)."""
    if record.content_type not in SUPPORTED_CONTENT_TYPES:
        raise ExtractionError("unsupported_type", "This file type is not supported.")
    _check_size(event_size, ctx.limits, record.size)
    size = ctx.files.size_of(record.raw_key)
    if size is None:
        logger.info("upload no longer exists", document_id=record.document_id)
        return None
    _check_size(size, ctx.limits, record.size)
    return size


def _read_pages(
    ctx: IngestContext, record: DocumentRecord, child_limits: ChildLimits
) -> ExtractedText:
    limits = ctx.limits
    kind = SUPPORTED_CONTENT_TYPES[record.content_type]
    data = ctx.files.read(record.raw_key, max_bytes=limits.max_bytes)
    return extract_in_child(data, kind, limits, child_limits, record.document_id)


def _check_size(size: int | None, limits: ExtractionLimits, declared: int) -> None:
    if size is None:
        return
    if size > declared:
        raise ExtractionError(
            "larger_than_declared",
            f"The uploaded file ({size} bytes) is larger than the {declared} bytes declared"
            " when the upload started. Upload it again.",
        )
    if size > limits.max_bytes:
        raise ExtractionError(
            "too_large",
            f"The file is larger than the {limits.max_bytes // (1024 * 1024) or 1} MB limit.",
        )
    if size == 0:
        raise ExtractionError("empty", "The file is empty.")


def _fail(
    ctx: IngestContext,
    record: DocumentRecord,
    exc: ExtractionError,
    started: float,
    *,
    size: int | None,
) -> IngestResult:
    ctx.table.mark_failed(
        record.user_id, record.document_id, reason=exc.reason, now=utc_now(), size=size
    )
    logger.info("document failed", document_id=record.document_id, reason_code=exc.code)
    return IngestResult(
        Outcome.FAILED,
        record.document_id,
        code=exc.code,
        duration_ms=(time.perf_counter() - started) * 1000,
    )
