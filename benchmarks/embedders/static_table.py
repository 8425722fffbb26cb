"""A static embedding table distilled from all-MiniLM-L6-v2 (model2vec's method).

Each vocabulary token goes through the model alone (`[CLS] token [SEP]`), its mean output
is the token's vector; the table is reduced by PCA and each row scaled by a SIF weight
from the token's Zipf frequency (vocabulary rank as its proxy): a / (a + p). A text's
embedding is the mean of its WordPiece tokens' rows, L2-normalised: no model at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks.embedders.minilm import MiniLM
from benchmarks.embedders.model_files import cache_dir
from handlers.core.derived.vectors import Matrix, normalise_rows
from handlers.core.text.wordpiece import WordPiece

DIMENSIONS = 128
SIF_COEFFICIENT = 1e-4
_BATCH = 1024


def token_outputs(model: MiniLM) -> Matrix:
    """Each vocabulary token's mean output of the model, alone in its sequence (cached)."""
    path = cache_dir() / "minilm-token-outputs.npy"
    if path.is_file():
        cached: Matrix = np.load(path)
        return cached
    ids = [[model.cls_id, token, model.sep_id] for token in range(len(model.vocabulary))]
    out = np.zeros((len(ids), model.hidden), dtype=np.float32)
    for start in range(0, len(ids), _BATCH):
        out[start : start + _BATCH] = model.mean_output(ids[start : start + _BATCH])
    np.save(path, out)
    return out


def distil(outputs: Matrix, *, dimensions: int = DIMENSIONS) -> Matrix:
    """PCA to `dimensions`, rows weighted by SIF over a Zipf frequency."""
    centred = outputs.astype(np.float64) - outputs.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ components[:dimensions].T
    inverse_rank = 1.0 / np.arange(2, reduced.shape[0] + 2)
    probability = inverse_rank / inverse_rank.sum()
    weights = SIF_COEFFICIENT / (SIF_COEFFICIENT + probability)
    table: Matrix = (reduced * weights[:, None]).astype(np.float32)
    return table


class StaticEmbedder:
    def __init__(self, table: Matrix, vocabulary: Sequence[str], model_id: str) -> None:
        self._table = table
        self._tokenizer = WordPiece(vocabulary)
        self._model_id = model_id

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dimensions(self) -> int:
        return int(self._table.shape[1])

    def embed(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = [i for i in self._tokenizer.ids(text) if i != self._tokenizer.unknown_id]
            if ids:
                out[row] = self._table[ids].mean(axis=0)
        return normalise_rows(out)


def vocabulary(model_dir: Path) -> list[str]:
    return (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()


def table_bytes(table: npt.NDArray[np.float32]) -> int:
    """What the table would weigh shipped as int8 with a float16 scale per row."""
    return int(table.shape[0] * (table.shape[1] + 2))
