"""The derived files of a READY document: chunk text, embedding matrix, BM25 postings.

Format (the contract between the ingest worker and retrieval):

- `derived/{user}/{doc}/chunks.json`: a JSON list, one object per chunk, in order:
  `{"index": int, "page": int, "pageStart": int, "pageEnd": int, "words": int,
  "text": str}`. `index` is the chunk's position (0-based); `page` is the 1-based page
  holding most of the chunk's words (what a citation shows); `pageStart`/`pageEnd` are
  the pages it spans (chunks overlap by ~200 words, so a chunk may cross a page break).
- `derived/{user}/{doc}/embeddings.npy`: a float32 matrix saved with `numpy.save`
  (no pickle), shape (chunks, dimensions), row i embedding chunk i, rows L2-normalised.
- `derived/{user}/{doc}/bm25.npz`: the chunks' BM25 postings with hashed term ids, built
  with retrieval's own tokenizer (format in `handlers.core.retrieval.bm25_file`). Written
  last, so a reader that finds it finds the other two. Documents ingested before it
  existed have none; retrieval then builds the postings from `chunks.json`.

The document item records `embeddingModel` and `embeddingDimensions`, so retrieval can
tell whether a query embedding is comparable with the matrix. numpy is imported here
and not by the `api` function.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from handlers.core.chunking import Chunk
from handlers.core.documents.files import DocumentFiles
from handlers.core.layout import bm25_key, chunks_key, embeddings_key
from handlers.core.retrieval.bm25 import LexicalIndex
from handlers.core.retrieval.bm25_file import lexical_file_bytes


def chunks_json(chunks: Sequence[Chunk]) -> bytes:
    return json.dumps([chunk.to_json() for chunk in chunks], ensure_ascii=False).encode("utf-8")


def matrix_npy(matrix: npt.NDArray[np.float32]) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(matrix, dtype=np.float32), allow_pickle=False)
    return buffer.getvalue()


def bm25_npz(chunks: Sequence[Chunk], chunks_body: bytes) -> bytes:
    """Postings of the chunks, tied to `chunks_body` (their `chunks.json` bytes)."""
    index = LexicalIndex.build([chunk.text for chunk in chunks])
    return lexical_file_bytes(index, chunks_body=chunks_body)


def write_derived(
    files: DocumentFiles,
    user_id: str,
    document_id: str,
    chunks: Sequence[Chunk],
    matrix: npt.NDArray[np.float32],
) -> None:
    if matrix.shape[0] != len(chunks):
        raise ValueError("the embedding matrix must have one row per chunk")
    body = chunks_json(chunks)
    postings = bm25_npz(chunks, body)
    files.put(
        chunks_key(user_id, document_id), body, content_type="application/json; charset=utf-8"
    )
    files.put(
        embeddings_key(user_id, document_id),
        matrix_npy(matrix),
        content_type="application/octet-stream",
    )
    files.put(
        bm25_key(user_id, document_id),
        postings,
        content_type="application/octet-stream",
    )


def read_chunks(files: DocumentFiles, user_id: str, document_id: str) -> list[dict[str, Any]]:
    body, _ = files.get(chunks_key(user_id, document_id))
    data = json.loads(body)
    if not isinstance(data, list):
        raise ValueError("chunks.json is not a list")
    return data


def read_embeddings(
    files: DocumentFiles, user_id: str, document_id: str
) -> npt.NDArray[np.float32]:
    body, _ = files.get(embeddings_key(user_id, document_id))
    matrix = np.load(io.BytesIO(body), allow_pickle=False)
    return np.asarray(matrix, dtype=np.float32)
