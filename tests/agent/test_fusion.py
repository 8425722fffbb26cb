"""Weighted reciprocal rank fusion."""

from __future__ import annotations

from handlers.core.retrieval.fusion import reciprocal_rank_fusion


def test_equal_weights_are_plain_rrf() -> None:
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=1)
    assert fused == {"a": 1 / 2, "b": 1 / 3 + 1 / 2, "c": 1 / 3}


def test_a_weaker_ranking_cannot_outvote_a_stronger_one() -> None:
    # The dense ranking puts "noise" first; weighted at a quarter it stays below BM25's best
    lexical, dense = ["answer", "other", "noise"], ["noise", "other", "answer"]
    plain = reciprocal_rank_fusion([lexical, dense])
    weighted = reciprocal_rank_fusion([lexical, dense], weights=(1.0, 0.25))
    assert plain["answer"] == plain["noise"]
    assert max(weighted, key=weighted.__getitem__) == "answer"
