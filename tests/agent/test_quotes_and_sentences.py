"""Locating a model's quote in its passage, and sentence spans for offline quotes."""

from __future__ import annotations

import pytest

from handlers.core.derived.passage import Passage
from handlers.core.llm.offline import NUMBER, best_quotes
from handlers.core.llm.quotes import locate
from handlers.core.text.sentences import MAX_SENTENCE_CHARS, sentence_spans
from handlers.core.text.terms import asks_for_quantity

PASSAGE = (
    "The warranty covers manufacturing\ndefects for two years.  It does not cover "
    "\u201caccidental\u201d damage \u2014 drops, spills \u2014 or wear."
)


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("the warranty covers manufacturing defects", "The warranty covers manufacturing\ndefects"),
        (
            'It does not cover "accidental" damage',
            "It does not cover \u201caccidental\u201d damage",
        ),
        ("damage - drops, spills - or wear.", "damage \u2014 drops, spills \u2014 or wear."),
        (
            "The warranty covers ... two years.",
            "The warranty covers manufacturing\ndefects for two years.",
        ),
        ("\u201cdefects for two years.\u201d", "defects for two years."),
    ],
)
def test_a_quote_is_found_despite_typography_and_returned_as_the_passage_has_it(
    quote: str, expected: str
) -> None:
    span = locate(PASSAGE, quote)
    assert span is not None
    assert PASSAGE[span[0] : span[1]] == expected


@pytest.mark.parametrize(
    "quote",
    [
        "The warranty covers defects for five years.",  # invented
        "two years ... The warranty covers",  # fragments out of order
        "wear",  # too short to mean anything
        "",
    ],
)
def test_a_quote_not_in_the_passage_is_not_found(quote: str) -> None:
    assert locate(PASSAGE, quote) is None


def test_sentences_are_spans_of_the_text_without_breaking_abbreviations() -> None:
    text = 'Use e.g. the flag -x. Dr. Who said "hi." Then J. Smith left.\n\nA heading\nA line'
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    assert sentences == [
        "Use e.g. the flag -x.",
        'Dr. Who said "hi."',
        "Then J. Smith left.",
        "A heading\nA line",
    ]


def test_a_long_run_without_full_stops_is_cut_at_line_breaks() -> None:
    # 40 lines of 35 characters: runs of whole lines, each at most MAX_SENTENCE_CHARS long
    lines = [f"row {i:02} of a table with words in it" for i in range(40)]
    text = "\n".join(lines)
    pieces = [text[a:b] for a, b in sentence_spans(text)]
    assert len(pieces) > 1
    assert all(len(piece) <= MAX_SENTENCE_CHARS for piece in pieces)
    assert "\n".join(pieces) == text  # cut only at line breaks, nothing lost


def test_a_how_many_question_prefers_the_sentence_with_the_number() -> None:
    text = (
        "The history keeps 500 commands by default. It is saved when the shell exits. "
        "Each session appends to the file. The history list keeps the commands you typed."
    )
    passage = Passage(document_id="d", chunk_index=0, page=1, text=text, document_name="d.txt")
    weights = {"histori": 2.0, "list": 1.0, "command": 1.0}
    plain = best_quotes([(1, passage)], weights)
    assert text[plain[0].start : plain[0].end] == "The history list keeps the commands you typed."

    # The same terms, asked as "how many": the span that holds a number wins
    quote = best_quotes([(1, passage)], {**weights, NUMBER: 4 / 3})[0]
    assert "500" in text[quote.start : quote.end]
    assert asks_for_quantity("How many commands does the history keep?")
    assert not asks_for_quantity("What does the history keep?")
