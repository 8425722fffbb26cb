"""The storage contract shared by the infrastructure and the handlers.

Table keys, the bucket's key layout and the ingest queue's settings live here, and only
here: `components/document_store/`, the local stack and the handlers all import them,
so what is deployed and what the code expects cannot drift. Pure Python, no AWS imports:
the Pulumi program imports it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_plus

# --- DynamoDB single table ---------------------------------------------------------------
PARTITION_KEY = "PK"
SORT_KEY = "SK"
TTL_ATTRIBUTE = "expiresAt"
# Every item of a user lives in that user's partition: isolation by construction, and
# listing a user's documents or conversations is one Query (ids are time-ordered, so
# the sort key orders them by creation). No query needs a GSI today.
KEY_ATTRIBUTES: tuple[tuple[str, str], ...] = ((PARTITION_KEY, "S"), (SORT_KEY, "S"))

USER_PREFIX = "USER#"
DOCUMENT_PREFIX = "DOC#"
CONVERSATION_PREFIX = "CONV#"
MESSAGE_PREFIX = "MSG#"
QUOTA_PREFIX = "QUOTA#"


def user_pk(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def document_sk(document_id: str) -> str:
    return f"{DOCUMENT_PREFIX}{document_id}"


def conversation_sk(conversation_id: str) -> str:
    return f"{CONVERSATION_PREFIX}{conversation_id}"


def message_sk(conversation_id: str, message_id: str) -> str:
    return f"{MESSAGE_PREFIX}{conversation_id}#{message_id}"


def message_sk_prefix(conversation_id: str) -> str:
    return f"{MESSAGE_PREFIX}{conversation_id}#"


def quota_sk(day: str) -> str:
    """`day` is an ISO date (UTC), e.g. 2026-11-26."""
    return f"{QUOTA_PREFIX}{day}"


# --- S3 bucket layout --------------------------------------------------------------------
RAW_PREFIX = "raw/"
DERIVED_PREFIX = "derived/"
# Format 2 (`handlers.core.derived`): the parts' text and the passages' offsets.
PASSAGES_FILE = "passages.json"
# Format 1's chunk text: still read for documents ingested before format 2, never written.
CHUNKS_FILE = "chunks.json"
EMBEDDINGS_FILE = "embeddings.npy"
# Between the headings of a stored section path ("Installation", then "Requirements"):
# extraction joins them, the derived format stores and splits them.
SECTION_SEPARATOR = " \u203a "
# BM25 postings precomputed at ingest, so retrieval need not tokenise chunk text.
BM25_FILE = "bm25.npz"


def raw_prefix(user_id: str, document_id: str) -> str:
    return f"{RAW_PREFIX}{user_id}/{document_id}/"


def raw_key(user_id: str, document_id: str, filename: str) -> str:
    return f"{raw_prefix(user_id, document_id)}{filename}"


def derived_prefix(user_id: str, document_id: str) -> str:
    return f"{DERIVED_PREFIX}{user_id}/{document_id}/"


def passages_key(user_id: str, document_id: str) -> str:
    return f"{derived_prefix(user_id, document_id)}{PASSAGES_FILE}"


def chunks_key(user_id: str, document_id: str) -> str:
    return f"{derived_prefix(user_id, document_id)}{CHUNKS_FILE}"


def embeddings_key(user_id: str, document_id: str) -> str:
    return f"{derived_prefix(user_id, document_id)}{EMBEDDINGS_FILE}"


def bm25_key(user_id: str, document_id: str) -> str:
    return f"{derived_prefix(user_id, document_id)}{BM25_FILE}"


@dataclass(frozen=True)
class RawObjectKey:
    user_id: str
    document_id: str
    filename: str


def parse_raw_key(key: str) -> RawObjectKey | None:
    """Parse a key as S3 event notifications deliver it (URL-encoded, '+' for spaces).

    Returns None for anything that is not `raw/{user_id}/{document_id}/{filename}`.
    """
    decoded = unquote_plus(key)
    if not decoded.startswith(RAW_PREFIX):
        return None
    parts = decoded[len(RAW_PREFIX) :].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return RawObjectKey(user_id=parts[0], document_id=parts[1], filename=parts[2])


# --- Ingest queue ------------------------------------------------------------------------
# A message is delivered (received) this many times before it moves to the dead-letter
# queue: SQS's maxReceiveCount, so 4 retries.
MAX_RECEIVE_COUNT = 5
# AWS's advice for SQS event sources: visibility at least 6x the function timeout, so a
# batch that is retried by Lambda's poller is not delivered twice in parallel.
VISIBILITY_TIMEOUT_FACTOR = 6
MESSAGE_RETENTION_SECONDS = 4 * 24 * 3600
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
# One upload per invocation: a hostile upload then delays nobody else's (measured: a good
# upload batched behind a 100 MB content-stream bomb waited 22 s instead of 0.1 s), gets
# the whole invocation's time and memory for its bounded extraction, and is retried and
# dead-lettered alone. Batching five saved ~3 % of handler time per upload
# (`benchmarks/ingest_batches.py`); ingest's cost is the document, not the invocation.
INGEST_BATCH_SIZE = 1
# With one message per batch there is nothing to wait for.
INGEST_BATCH_WINDOW_SECONDS = 0
# The DLQ's consumer only updates items: a full SQS batch.
DEAD_LETTER_BATCH_SIZE = 10
# Only uploads of raw documents notify the queue; derived files never do.
NOTIFICATION_EVENTS: tuple[str, ...] = ("s3:ObjectCreated:*",)
NOTIFICATION_FILTER_PREFIX = RAW_PREFIX


def visibility_timeout_seconds(worker_timeout_seconds: int) -> int:
    # SQS caps visibility at 12 hours.
    return min(worker_timeout_seconds * VISIBILITY_TIMEOUT_FACTOR, 12 * 3600)


# --- Documents -----------------------------------------------------------------------------
SUPPORTED_CONTENT_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
    "text/markdown": "md",
    "text/html": "html",
}
