"""The offline-embedder experiment's own parts: BERT's tokenization, the safetensors
reader, the numpy forward pass's masking, the static table's weighting."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np
import pytest

from benchmarks.embedders import minilm
from benchmarks.embedders.minilm import MiniLM, read_safetensors
from benchmarks.embedders.static_table import distil
from handlers.core.text.wordpiece import WordPiece, words

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", ",", "naive", "bash", "_",
              "re", "##match", "-", "help", "un", "##able"]  # fmt: skip


def test_words_are_lower_cased_accent_free_and_split_at_punctuation() -> None:
    assert words("Hello, Naïve BASH_REMATCH --help") == [
        "hello", ",", "naive", "bash", "_", "rematch", "-", "-", "help",
    ]  # fmt: skip


def test_wordpiece_takes_the_longest_pieces_and_unknown_words_are_one_token() -> None:
    tokenizer = WordPiece(VOCABULARY)
    pieces = [VOCABULARY[i] for i in tokenizer.ids("rematch unable xyz")]
    assert pieces == ["re", "##match", "un", "##able", "[UNK]"]


def _write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    body = b""
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [len(body), len(body) + len(raw)]}  # fmt: skip
        body += raw
    encoded = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + body)


def _tiny_model(tmp_path: Path) -> MiniLM:
    rng = np.random.default_rng(7)
    hidden, inner = 24, 48  # 12 heads of 2

    def r(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.3, shape)

    tensors = {
        "embeddings.word_embeddings.weight": r(len(VOCABULARY), hidden),
        "embeddings.position_embeddings.weight": r(16, hidden),
        "embeddings.token_type_embeddings.weight": r(2, hidden),
        "embeddings.LayerNorm.weight": np.ones(hidden),
        "embeddings.LayerNorm.bias": np.zeros(hidden),
    }
    for layer in range(minilm.LAYERS):
        p = f"encoder.layer.{layer}."
        for name in ("query", "key", "value"):
            tensors[p + f"attention.self.{name}.weight"] = r(hidden, hidden)
            tensors[p + f"attention.self.{name}.bias"] = r(hidden)
        for name, shape in (("attention.output.dense", (hidden, hidden)),
                            ("intermediate.dense", (inner, hidden)),
                            ("output.dense", (hidden, inner))):  # fmt: skip
            tensors[p + name + ".weight"] = r(*shape)
            tensors[p + name + ".bias"] = r(shape[0])
        for name in ("attention.output.LayerNorm", "output.LayerNorm"):
            tensors[p + name + ".weight"] = np.ones(hidden)
            tensors[p + name + ".bias"] = np.zeros(hidden)
    _write_safetensors(tmp_path / "model.safetensors", tensors)
    (tmp_path / "vocab.txt").write_text("\n".join(VOCABULARY) + "\n")
    return MiniLM(tmp_path)


def test_safetensors_are_read_back_exactly(tmp_path: Path) -> None:
    tensor = np.arange(6, dtype=np.float32).reshape(2, 3)
    _write_safetensors(tmp_path / "t.safetensors", {"a": tensor})
    assert np.array_equal(read_safetensors(tmp_path / "t.safetensors")["a"], tensor)


def test_a_text_embeds_the_same_alone_or_padded_beside_a_longer_one(tmp_path: Path) -> None:
    model = _tiny_model(tmp_path)
    alone = model.encode(["hello"])
    batched = model.encode(["hello", "hello, naive bash help unable rematch"])
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert np.allclose(alone[0], batched[0], atol=1e-5)
    assert not np.allclose(batched[0], batched[1], atol=1e-2)


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.0, 0.1, 1.2, 4.0])
def test_erf_matches_the_standard_library(x: float) -> None:
    assert float(minilm._erf(np.array([x]))[0]) == pytest.approx(math.erf(x), abs=2e-7)


def test_the_static_table_weighs_frequent_tokens_down() -> None:
    rng = np.random.default_rng(1)
    outputs = rng.normal(size=(5000, 16)).astype(np.float32)
    table = distil(outputs, dimensions=8)
    assert table.shape == (5000, 8)
    norms = np.linalg.norm(table, axis=1)
    assert norms[:50].mean() < 0.5 * norms[-50:].mean()
