"""Derived files read back whole, and written in format 1: what only tests and benchmarks do.

Production writes format 2 through `handlers.core.derived.writer.write_derived` and reads
it a part or a passage at a time; these helpers check what it wrote, and seed documents as
an older ingest (format 1) left them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from handlers.core.contracts.layout import embeddings_key, passages_key
from handlers.core.derived.passage import Passage
from handlers.core.derived.passages_file import StoredText, read_passages_file
from handlers.core.derived.vectors import Matrix, read_matrix
from handlers.core.documents.files import DocumentFiles


def read_stored_text(files: DocumentFiles, user_id: str, document_id: str) -> StoredText:
    body, _ = files.get(passages_key(user_id, document_id))
    return read_passages_file(document_id, body)


def read_embeddings(files: DocumentFiles, user_id: str, document_id: str) -> Matrix:
    body, _ = files.get(embeddings_key(user_id, document_id))
    return read_matrix(body)


def legacy_chunks_bytes(passages: Sequence[Passage]) -> bytes:
    """A format-1 `chunks.json` (tests and benchmarks of old documents): `[{index, page,
    text}]`."""
    return json.dumps(
        [{"index": p.chunk_index, "page": p.page, "text": p.text} for p in passages],
        ensure_ascii=False,
    ).encode("utf-8")
