"""Passage vectors: unit-length float32 rows, so cosine similarity is a dot product.

`embeddings.npy` is a float32 matrix saved with `numpy.save` (no pickle), shape
(passages, dimensions), row i embedding passage i, rows L2-normalised. The `Embedder`
protocol is what makes them (the offline feature hashing or OpenAI's models,
`handlers.core.llm.embeddings`); retrieval depends on this protocol, not on `llm/`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]

# The offline provider's feature hashing: word overlap, not meaning (the relevance gate
# does not count its cosine as evidence).
OFFLINE_MODEL_ID = "offline-hash-v1"


@runtime_checkable
class Embedder(Protocol):
    @property
    def model_id(self) -> str: ...

    @property
    def dimensions(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Matrix:
        """Rows L2-normalised, float32, shape (len(texts), dimensions)."""
        ...


def normalise_rows(matrix: npt.NDArray[np.floating]) -> Matrix:
    """Rows scaled to unit length (an all-zero row stays zero), as float32."""
    out = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Matrix = (out / norms).astype(np.float32, copy=False)
    return normalised


def matrix_npy(matrix: Matrix) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(matrix, dtype=np.float32), allow_pickle=False)
    return buffer.getvalue()


def read_matrix(body: bytes) -> Matrix:
    """The stored matrix, as float32 (raises ValueError when the bytes are not one)."""
    matrix = np.load(io.BytesIO(body), allow_pickle=False)
    return np.asarray(matrix, dtype=np.float32)
