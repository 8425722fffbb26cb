"""The derived files of a READY document: chunk text and the embedding matrix.

Format (the contract between the ingest worker and retrieval):

- `derived/{user}/{doc}/chunks.json`: a JSON list, one object per chunk, in order:
  `{"index": int, "page": int, "pageStart": int, "pageEnd": int, "words": int,
  "text": str}`. `index` is the chunk's position (0-based); `page` is the 1-based page
  holding most of the chunk's words (what a citation shows); `pageStart`/`pageEnd` are
  the pages it spans (chunks overlap by ~200 words, so a chunk may cross a page break).
- `derived/{user}/{doc}/embeddings.npy`: a float32 matrix saved with `numpy.save`
  (no pickle), shape (chunks, dimensions), row i embedding chunk i, rows L2-normalised.

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
from handlers.core.layout import chunks_key, embeddings_key


def chunks_json(chunks: Sequence[Chunk]) -> bytes:
    return json.dumps([chunk.to_json() for chunk in chunks], ensure_ascii=False).encode("utf-8")


def matrix_npy(matrix: npt.NDArray[np.float32]) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(matrix, dtype=np.float32), allow_pickle=False)
    return buffer.getvalue()


def write_derived(
    files: DocumentFiles,
    user_id: str,
    document_id: str,
    chunks: Sequence[Chunk],
    matrix: npt.NDArray[np.float32],
) -> None:
    if matrix.shape[0] != len(chunks):
        raise ValueError("the embedding matrix must have one row per chunk")
    files.put(
        chunks_key(user_id, document_id),
        chunks_json(chunks),
        content_type="application/json; charset=utf-8",
    )
    files.put(
        embeddings_key(user_id, document_id),
        matrix_npy(matrix),
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
