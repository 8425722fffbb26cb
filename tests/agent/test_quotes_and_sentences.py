"""Locating a model's quote in its passage, and sentence spans for offline quotes."""

from __future__ import annotations

from dataclasses import replace

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
    assert text[plain[0].start : plain[0].end].endswith(
        "The history list keeps the commands you typed."
    )
    assert "500" not in text[plain[0].start : plain[0].end]

    # The same terms, asked as "how many": the span that holds a number wins
    quote = best_quotes([(1, passage)], {**weights, NUMBER: 4 / 3})[0]
    assert "500" in text[quote.start : quote.end]
    assert asks_for_quantity("How many commands does the history keep?")
    assert not asks_for_quantity("What does the history keep?")


def test_a_quote_keeps_the_sentence_before_its_best_one() -> None:
    # A definition often names its subject first and states the fact in the next sentence,
    # while the question's words recur after it ("RANDOM ... between 0 and 32767.
    # Assigning to the random number generator ...").
    text = (
        "Other shells differ. RANDOM expands to an integer between 0 and 32767. "
        "Assigning to it seeds the random number generator. It is unset by default."
    )
    passage = Passage(document_id="d", chunk_index=0, page=1, text=text, document_name="d.txt")
    quote = best_quotes([(1, passage)], {"random": 2.0, "number": 1.0, "rang": 1.0})[0]
    shown = text[quote.start : quote.end]
    assert shown.startswith("RANDOM expands to an integer between 0 and 32767.")
    assert "Other shells" not in shown  # one sentence before, not the passage's start


def _passage(index: int, text: str) -> Passage:
    return Passage(document_id="d", chunk_index=index, page=index + 1, text=text, document_name="d")


WEIGHTS = {"alpha": 1.0, "beta": 1.0, "gamma": 1.0, "delta": 1.0}


def test_a_further_passage_is_weighed_against_the_best_sentence_not_the_best_window() -> None:
    # The first passage's best sentence covers half the question and its window all of it;
    # the second's best sentence a quarter: half as good as the best sentence, so quoted too
    first = _passage(0, "Alpha and beta are one pair of names. Gamma and delta are the other pair.")
    second = _passage(1, "Only alpha is named in this short sentence of the manual.")
    quotes = best_quotes([(1, first), (2, second)], WEIGHTS)
    assert [q.number for q in quotes] == [1, 2]


def test_quotes_keep_retrieval_order_and_the_one_covering_most_runs_on() -> None:
    after = " ".join(f"Then sentence number {n} of the manual follows it." for n in range(1, 5))
    weaker = _passage(0, f"Alpha and beta are named in this short sentence. {after}")
    stronger = _passage(1, f"Alpha, beta and gamma are all named in this sentence. {after}")

    quotes = best_quotes([(1, weaker), (2, stronger)], WEIGHTS)

    assert [q.number for q in quotes] == [1, 2]  # the first citation is the first ranked
    first, second = (
        passage.text[q.start : q.end] for q, passage in zip(quotes, [weaker, stronger], strict=True)
    )
    assert second.endswith("number 4 of the manual follows it.")  # the lead: five sentences
    assert not first.endswith("number 4 of the manual follows it.")


def test_the_leading_quote_goes_on_to_the_fact_a_few_sentences_after_the_subject() -> None:
    # Policy's Installed-Size: the field is named, described, qualified, and only then is
    # its unit given, four sentences after the one that names it.
    text = (
        "Installed-Size names the disk space a package needs. "
        "It appears in the control files of binary packages. "
        "It gives an estimate of the total amount of disk space required. "
        "Actual use may vary with the file system. "
        "The value is the size in bytes, divided by 1024 and rounded up."
    )
    other = _passage(1, "Installed-Size is one more control field, listed here with the others.")
    quotes = best_quotes([(1, _passage(0, text)), (2, other)], {"install": 2.0, "size": 2.0})

    lead, second = quotes
    assert text[lead.start : lead.end].endswith("divided by 1024 and rounded up.")
    assert lead.number == 1
    assert second.number == 2  # the further quote keeps its usual length


def test_one_quote_per_page_or_section_so_citations_point_at_different_places() -> None:
    sentence = "Alpha, beta and gamma are all named in this sentence of the manual."
    same_page = [replace(_passage(n, sentence), part=1, page=1) for n in range(2)]
    other_page = replace(_passage(2, sentence), part=2, page=2)

    quotes = best_quotes([(1, same_page[0]), (2, same_page[1]), (3, other_page)], WEIGHTS)

    assert [q.number for q in quotes] == [1, 3]
