"""Writing a document's derived files (format 2).

The ingest worker calls `write_derived` once the passages are embedded. Order matters to
a reader running meanwhile: the matrix and `passages.json` first, `bm25.npz` last (a
reader that finds the new postings finds the rest); then a format-1 `chunks.json` left by
an earlier ingest of the same document is removed when re-indexing. The document item records
the embedding model and dimensions and `derivedFormat`, so retrieval can tell whether a
query embedding is comparable with the matrix. numpy is imported here and not by the
`api` function.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from handlers.core.contracts.layout import bm25_key, chunks_key, embeddings_key, passages_key
from handlers.core.derived.lexical import LexicalIndex
from handlers.core.derived.lexical_file import lexical_file_bytes
from handlers.core.derived.passage import Part, Passage
from handlers.core.derived.passages_file import passages_file_bytes
from handlers.core.derived.vectors import Matrix, matrix_npy
from handlers.core.documents.files import DocumentFiles


def lexical_bytes(passages: Sequence[Passage], passages_body: bytes) -> bytes:
    """The passages' statistics, tied to `passages_body` (their `passages.json` bytes)."""
    index = LexicalIndex.build([passage.indexed_text for passage in passages])
    navigation = np.asarray([passage.navigation for passage in passages], dtype=bool)
    return lexical_file_bytes(index, chunks_body=passages_body, navigation=navigation)


def write_derived(
    files: DocumentFiles,
    user_id: str,
    document_id: str,
    parts: Sequence[Part],
    passages: Sequence[Passage],
    matrix: Matrix,
    *,
    replaces_legacy: bool = False,
) -> None:
    """`replaces_legacy`: the document was READY before (a re-index), so a format-1
    `chunks.json` may be there to remove (a new document has none: no delete marker)."""
    if matrix.shape[0] != len(passages):
        raise ValueError("the embedding matrix must have one row per passage")
    body = passages_file_bytes(parts, passages)
    postings = lexical_bytes(passages, body)
    files.put(
        embeddings_key(user_id, document_id),
        matrix_npy(matrix),
        content_type="application/octet-stream",
    )
    files.put(
        passages_key(user_id, document_id), body, content_type="application/json; charset=utf-8"
    )
    files.put(bm25_key(user_id, document_id), postings, content_type="application/octet-stream")
    if replaces_legacy:
        files.delete(chunks_key(user_id, document_id))
