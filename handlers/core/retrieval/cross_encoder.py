"""A BERT cross-encoder: (question, passage) → one relevance logit, run with onnxruntime.

cross-encoder/ms-marco-MiniLM-L-12-v2 (int8 ONNX, `lambda_build/model_files.py`) reads a
pair as BERT does: `[CLS] question [SEP] passage [SEP]`, segment 0 up to the first `[SEP]`,
1 after; its head on `[CLS]` gives one logit, higher is more relevant. Its cost grows with
the pair's length, so a pair is cut to `max_tokens`: the question (at most 64 tokens), the
passage's heading path (at most 32), then the window of the passage's text that holds the
most of the question's content words. The answer is rarely in a passage's first 100
words: a window at the start lost what reranking gained, the densest window kept it
(docs/benchmarks.md, "A cross-encoder reranker?" and "The shipped reranker").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from handlers.core.text.stopwords import FUNCTION_WORDS, QUESTION_WORDS, STOP_WORDS
from handlers.core.text.wordpiece import WordPiece, words

MAX_QUESTION_TOKENS = 64
MAX_HEADING_TOKENS = 32
# Pairs scored in one call of the model (padded to the longest of them).
BATCH_SIZE = 8
MODEL_FILE = "model.onnx"
VOCABULARY_FILE = "vocab.txt"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_NOT_CONTENT = STOP_WORDS | QUESTION_WORDS | FUNCTION_WORDS

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
# The model's forward pass: input_ids, attention_mask, token_type_ids → logits (batch, 1).
Forward = Callable[[IntArray, IntArray, IntArray], FloatArray]


class ModelFilesError(RuntimeError):
    """The model's directory lacks a file or holds a graph of another shape."""


@dataclass(frozen=True)
class Pair:
    ids: list[int]
    segments: list[int]  # 0: [CLS] question [SEP]; 1: heading, text, [SEP]


class PairEncoder:
    def __init__(self, vocabulary: Sequence[str], max_tokens: int) -> None:
        self.tokenizer = WordPiece(vocabulary)
        self.cls_id = vocabulary.index("[CLS]")
        self.sep_id = vocabulary.index("[SEP]")
        self.max_tokens = max_tokens

    def pairs(self, question: str, passages: Sequence[tuple[str, str]]) -> list[Pair]:
        """One pair per (heading path, text); the question is read once for all of them."""
        first = self.tokenizer.ids(question)[:MAX_QUESTION_TOKENS]
        wanted = self._content_ids(question)
        room = max(0, self.max_tokens - len(first) - 3)
        pairs = []
        for heading, text in passages:
            top = self.tokenizer.ids(heading)[: min(MAX_HEADING_TOKENS, room)]
            second = top + self._window(wanted, text, room - len(top))
            ids = [self.cls_id, *first, self.sep_id, *second, self.sep_id]
            segments = [0] * (len(first) + 2) + [1] * (len(second) + 1)
            pairs.append(Pair(ids, segments))
        return pairs

    def pair(self, question: str, heading: str, text: str) -> Pair:
        return self.pairs(question, [(heading, text)])[0]

    def _content_ids(self, question: str) -> set[int]:
        wanted: set[int] = set()
        for word in words(question):
            if word.isalnum() and word not in _NOT_CONTENT:
                wanted.update(self.tokenizer.ids(word))
        return wanted

    def _window(self, wanted: set[int], text: str, room: int) -> list[int]:
        """The earliest `room` consecutive tokens of the text holding most of the wanted
        ones (the text's start when none is there). Measured: starting the window at the
        first wanted token instead, so that more of what follows is read, put the labelled
        page first for fewer questions (71 → 66 of 114)."""
        ids = self.tokenizer.ids(text)
        if len(ids) <= room:
            return ids
        if room <= 0:
            return []
        hits = np.fromiter((i in wanted for i in ids), dtype=np.int64, count=len(ids))
        sums = np.convolve(hits, np.ones(room, dtype=np.int64), mode="valid")
        start = int(np.argmax(sums))
        return ids[start : start + room]


def batch_arrays(pairs: Sequence[Pair]) -> tuple[IntArray, IntArray, IntArray]:
    """input_ids, attention_mask, token_type_ids, padded to the longest pair."""
    width = max(len(p.ids) for p in pairs)
    ids = np.zeros((len(pairs), width), dtype=np.int64)
    mask = np.zeros((len(pairs), width), dtype=np.int64)
    segments = np.zeros((len(pairs), width), dtype=np.int64)
    for row, pair in enumerate(pairs):
        ids[row, : len(pair.ids)] = pair.ids
        mask[row, : len(pair.ids)] = 1
        segments[row, : len(pair.segments)] = pair.segments
    return ids, mask, segments


class CrossEncoder:
    def __init__(self, encoder: PairEncoder, forward: Forward) -> None:
        self.encoder = encoder
        self._forward = forward

    @classmethod
    def load(cls, model_dir: Path, *, max_tokens: int) -> CrossEncoder:
        """The model in `model_dir` (`model.onnx`, `vocab.txt`), on one thread: the agent
        function has about one vCPU, and one thread keeps the scores deterministic."""
        missing = [n for n in (MODEL_FILE, VOCABULARY_FILE) if not (model_dir / n).is_file()]
        if missing:
            raise ModelFilesError(f"{model_dir} has no {', '.join(missing)}")
        import onnxruntime as ort  # type: ignore[import-untyped]  # only the question loads it

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: its warnings are not ours to act on
        session = ort.InferenceSession(
            str(model_dir / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        inputs = tuple(sorted(i.name for i in session.get_inputs()))
        if inputs != tuple(sorted(_INPUTS)):
            raise ModelFilesError(f"{model_dir / MODEL_FILE} takes {inputs}, not {_INPUTS}")
        output = session.get_outputs()[0].name

        def forward(ids: IntArray, mask: IntArray, segments: IntArray) -> FloatArray:
            feeds = dict(zip(_INPUTS, (ids, mask, segments), strict=True))
            logits: FloatArray = session.run([output], feeds)[0]
            return logits

        vocabulary = (model_dir / VOCABULARY_FILE).read_text(encoding="utf-8").splitlines()
        return cls(PairEncoder(vocabulary, max_tokens), forward)

    def scores(self, question: str, passages: Sequence[tuple[str, str]]) -> FloatArray:
        """One logit per (heading path, text), in the passages' order."""
        out = np.zeros(len(passages), dtype=np.float32)
        if not passages:
            return out
        pairs = self.encoder.pairs(question, passages)
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].ids))  # little padding
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start : start + BATCH_SIZE]
            logits = self._forward(*batch_arrays([pairs[i] for i in rows]))
            out[rows] = logits.reshape(-1)
        return out
