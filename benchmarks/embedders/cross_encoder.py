"""A BERT cross-encoder: (question, passage) → one relevance logit, run with onnxruntime.

cross-encoder/ms-marco-MiniLM-L-12-v2 (`lambda_build.model_files.RERANKER`) reads the pair as BERT
does: `[CLS] question [SEP] passage [SEP]`, segment 0 up to the first `[SEP]`, 1 after,
cut to `MAX_TOKENS` by shortening the passage (the question is capped first, so a long
one cannot crowd the passage out). The classifier head on `[CLS]` gives one logit: higher
is more relevant; sigmoid(logit) is the model's probability of relevance (trained with
binary cross-entropy on MS MARCO). The weights are only published here as ONNX (int8), so
onnxruntime runs them, on one thread: the agent function has about one vCPU.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks.embedders.wordpiece import WordPiece

MAX_TOKENS = 512  # BERT's positions
MAX_QUESTION_TOKENS = 64

IntArray = npt.NDArray[np.int64]
# The model's forward pass: input_ids, attention_mask, token_type_ids → logits (batch, 1).
Forward = Callable[[IntArray, IntArray, IntArray], npt.NDArray[np.float32]]


@dataclass(frozen=True)
class Pair:
    ids: list[int]
    segments: list[int]  # 0: [CLS] question [SEP]; 1: passage [SEP]


HEADING = "\x1f"  # window mode: "heading path HEADING text"
MAX_HEADING_TOKENS = 32


class PairEncoder:
    def __init__(
        self, vocabulary: Sequence[str], max_tokens: int = MAX_TOKENS, window: bool = False
    ) -> None:
        self.tokenizer = WordPiece(vocabulary)
        self.cls_id = vocabulary.index("[CLS]")
        self.sep_id = vocabulary.index("[SEP]")
        self.max_tokens = max_tokens
        self.window = window
        from handlers.core.text.stopwords import FUNCTION_WORDS, QUESTION_WORDS, STOP_WORDS

        self._common = STOP_WORDS | QUESTION_WORDS | FUNCTION_WORDS

    def pair(self, question: str, passage: str) -> Pair:
        first = self.tokenizer.ids(question)[:MAX_QUESTION_TOKENS]
        room = max(0, self.max_tokens - len(first) - 3)
        if self.window and HEADING in passage:
            heading, _, body = passage.partition(HEADING)
            top = self.tokenizer.ids(heading)[:MAX_HEADING_TOKENS]
            second = top + self._window(question, body, room - len(top))
        else:
            second = self.tokenizer.ids(passage)[:room]
        ids = [self.cls_id, *first, self.sep_id, *second, self.sep_id]
        segments = [0] * (len(first) + 2) + [1] * (len(second) + 1)
        return Pair(ids, segments)

    def _window(self, question: str, body: str, room: int) -> list[int]:
        """The `room` tokens of the body holding most of the question's content words."""
        ids = self.tokenizer.ids(body)
        if len(ids) <= room:
            return ids
        from benchmarks.embedders.wordpiece import words

        wanted: set[int] = set()
        for word in words(question):
            if word.isalnum() and word not in self._common:
                wanted.update(self.tokenizer.ids(word))
        hits = np.array([i in wanted for i in ids], dtype=np.int64)
        sums = np.convolve(hits, np.ones(room, dtype=np.int64), mode="valid")
        start = int(np.argmax(sums))  # the first best window: ties keep the passage's start
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
    def __init__(self, encoder: PairEncoder, forward: Forward, *, batch_size: int = 8) -> None:
        self.encoder = encoder
        self._forward = forward
        self.batch_size = batch_size

    @classmethod
    def load(
        cls, model_dir: Path, *, max_tokens: int = MAX_TOKENS, window: bool = False
    ) -> CrossEncoder:
        import onnxruntime as ort  # type: ignore[import-untyped]  # benchmark-only (requirements-dev)

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(
            str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )

        def forward(ids: IntArray, mask: IntArray, segments: IntArray) -> npt.NDArray[np.float32]:
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": segments}
            logits: npt.NDArray[np.float32] = session.run(["logits"], feeds)[0]
            return logits

        vocabulary = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
        return cls(PairEncoder(vocabulary, max_tokens, window), forward)

    def scores(self, question: str, passages: Sequence[str]) -> npt.NDArray[np.float32]:
        """One logit per passage, in the passages' order."""
        out = np.zeros(len(passages), dtype=np.float32)
        if not passages:
            return out
        pairs = [self.encoder.pair(question, p) for p in passages]
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].ids))  # little padding
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            logits = self._forward(*batch_arrays([pairs[i] for i in rows]))
            out[rows] = logits.reshape(-1)
        return out

    def timed_scores(
        self, question: str, passages: Sequence[str]
    ) -> tuple[npt.NDArray[np.float32], float]:
        started = time.perf_counter()
        scores = self.scores(question, passages)
        return scores, time.perf_counter() - started
