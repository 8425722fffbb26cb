"""all-MiniLM-L6-v2 in numpy: read its safetensors and run BERT's forward pass.

The upper bound of `benchmarks/offline_embedders.py` (a semantic model as the offline
embedder) and the teacher of its static table. A safetensors file is an
8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
byte range, then the raw tensors. The forward pass is sentence-transformers': token +
position + segment embeddings, 6 post-norm encoder layers (12 heads, GELU), the mean of
the output over the real tokens, L2-normalised.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from handlers.core.text.wordpiece import WordPiece

Array = npt.NDArray[np.float32]

HEADS = 12
LAYERS = 6
MAX_TOKENS = 256  # the sentence-transformers model's max_seq_length, with [CLS] and [SEP]
LAYER_NORM_EPS = 1e-12
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, npt.NDArray[np.generic]]:
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    tensors: dict[str, npt.NDArray[np.generic]] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        raw = data[8 + length + start : 8 + length + end]
        tensors[name] = np.frombuffer(raw, dtype=_DTYPES[spec["dtype"]]).reshape(spec["shape"])
    return tensors


class MiniLM:
    def __init__(self, model_dir: Path) -> None:
        # Copies: views into the file's bytes may be misaligned, which keeps numpy's
        # matrix products off BLAS (~100x slower).
        self.weights = {
            k: np.array(v, dtype=np.float32)
            for k, v in read_safetensors(model_dir / "model.safetensors").items()
            if k != "embeddings.position_ids"
        }
        vocabulary = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
        self.vocabulary = vocabulary
        self.tokenizer = WordPiece(vocabulary)
        self.hidden = int(self.weights["embeddings.word_embeddings.weight"].shape[1])
        self.cls_id = vocabulary.index("[CLS]")
        self.sep_id = vocabulary.index("[SEP]")

    def token_ids(self, text: str) -> list[int]:
        return [self.cls_id, *self.tokenizer.ids(text)[: MAX_TOKENS - 2], self.sep_id]

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> Array:
        """Unit-length sentence embeddings, one row per text."""
        ids = [self.token_ids(t) for t in texts]
        return self.encode_ids(ids, batch_size=batch_size)

    def encode_ids(self, ids: Sequence[Sequence[int]], *, batch_size: int = 32) -> Array:
        out = np.zeros((len(ids), self.hidden))
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # little padding
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            pooled = self.mean_output([ids[i] for i in rows])
            out[rows] = pooled
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        result: Array = (out / norms).astype(np.float32)
        return result

    def mean_output(self, batch: Sequence[Sequence[int]]) -> Array:
        """The mean of the last layer's output over each sequence's tokens."""
        width = max(len(b) for b in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.float32)
        for row, sequence in enumerate(batch):
            ids[row, : len(sequence)] = sequence
            mask[row, : len(sequence)] = 1.0
        hidden = self._forward(ids, mask)
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        result: Array = summed / mask.sum(axis=1, keepdims=True)
        return result

    def _forward(self, ids: npt.NDArray[np.int64], mask: Array) -> Array:
        w = self.weights
        width = ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:width][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w, "embeddings.LayerNorm")
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in range(LAYERS):
            x = self._layer(x, bias, f"encoder.layer.{layer}.")
        return x

    def _layer(self, x: Array, bias: Array, p: str) -> Array:
        w = self.weights
        batch, width, hidden = x.shape
        head = hidden // HEADS

        def heads(name: str) -> Array:
            y = _dense(x, w, p + f"attention.self.{name}")
            return y.reshape(batch, width, HEADS, head).transpose(0, 2, 1, 3)

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + bias
        scores -= scores.max(axis=-1, keepdims=True)
        attention = np.exp(scores)
        attention /= attention.sum(axis=-1, keepdims=True)
        context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, width, hidden)
        x = _layer_norm(
            x + _dense(context, w, p + "attention.output.dense"),
            w,
            p + "attention.output.LayerNorm",
        )
        inner = _gelu(_dense(x, w, p + "intermediate.dense"))
        return _layer_norm(x + _dense(inner, w, p + "output.dense"), w, p + "output.LayerNorm")


def _dense(x: Array, w: dict[str, Array], name: str) -> Array:
    # One 2-D product: a 3-D one runs a small product per sequence.
    flat = x.reshape(-1, x.shape[-1]) @ w[name + ".weight"].T + w[name + ".bias"]
    result: Array = flat.reshape(*x.shape[:-1], flat.shape[-1])
    return result


def _layer_norm(x: Array, w: dict[str, Array], name: str) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    result: Array = (x - mean) / np.sqrt(var + LAYER_NORM_EPS) * w[name + ".weight"] + w[
        name + ".bias"
    ]
    return result


def _gelu(x: Array) -> Array:
    result: Array = 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))
    return result


def _erf(x: Array) -> Array:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): numpy has no erf, scipy is not a dependency.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    result: Array = sign * (1.0 - poly * np.exp(-a * a))
    return result
