"""The tokenizer shared by ingest and query: stems, stop words and exact identifiers."""

from __future__ import annotations

import pytest

from handlers.core.retrieval.bm25 import LexicalIndex, bm25_scores
from handlers.core.text.terms import identifiers, key_terms, terms, words_giving


def test_inflections_meet_on_one_stem() -> None:
    assert set(terms("configuring the databases")) == set(terms("Configuration of a database"))


def test_stop_words_are_not_terms() -> None:
    assert terms("What is the of and to a") == []


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("The match is in BASH_REMATCH.", "bash_rematch"),
        ("Run it with --help to see options", "--help"),
        ("The ** pattern matches directories.", "**"),
        ("Use pg_dump, then restore", "pg_dump"),
        ("Edit postgresql.conf: set the port", "postgresql.conf"),
        ("What is $? in bash?", "$?"),
        ("redirect with 2>&1 to merge", "2>&1"),
        ("git rebase -i HEAD~3", "rebase -i"),
    ],
)
def test_identifiers_are_kept_exactly_next_to_their_words(text: str, identifier: str) -> None:
    assert identifier in terms(text)


def test_identifier_words_are_terms_too() -> None:
    found = terms("pg_dump")
    assert {"pg", "dump", "pg_dump"} <= set(found)


def test_options_keep_their_case_other_identifiers_do_not() -> None:
    assert "-I" in terms("grep -I skips binary files")
    assert "-i" not in terms("grep -I skips binary files")
    assert "bash_rematch" in terms("bash_rematch")
    assert "bash_rematch" in terms("BASH_REMATCH")


@pytest.mark.parametrize(
    "text",
    [
        "Introduction ........ 5",
        "-----",
        "e.g. this, i.e. that",
        "don't",
        "user\u2019s",
        "(see) [here]",
    ],
)
def test_prose_punctuation_and_leaders_are_not_identifiers(text: str) -> None:
    assert identifiers(text) == []


def test_an_option_after_a_full_stop_is_not_joined_to_the_sentence_before() -> None:
    assert "end -x" not in terms("That is the end. -x turns tracing on")


def test_unicode_is_normalised_before_matching() -> None:
    # NFKC folds ligatures and full-width forms; case-folding handles ß.
    assert terms("ﬁle") == terms("file")
    assert terms("\uff32\uff2f\uff35\uff34\uff25\uff32")  # full-width == terms("router")
    assert terms("Straße") == terms("STRASSE")


def test_han_characters_are_one_term_each() -> None:
    assert terms("日本語") == ["日", "本", "語"]


def test_key_terms_leave_out_how_a_question_is_phrased() -> None:
    assert key_terms("Can you explain what the difference between rebase and merge is?") == {
        "rebas",
        "merg",
    }


def test_an_option_ranks_the_passage_that_defines_it_first() -> None:
    # Unstemmed word tokens saw only "help" here: the chatty passage won on frequency
    passages = [
        "For help with the shell, ask for help on the list; help is given by volunteers.",
        "The --help option prints a usage summary and exits.",
    ]
    scores = bm25_scores("what does --help print", [LexicalIndex.build(passages)])[0]
    assert scores[1] > scores[0]


def test_an_identifier_outranks_its_words_scattered_in_prose() -> None:
    passages = [
        "In bash, bash scripts can rematch; bash users rematch often.",
        "BASH_REMATCH holds the parts matched by =~ in an array.",
    ]
    scores = bm25_scores("What is BASH_REMATCH?", [LexicalIndex.build(passages)])[0]
    assert scores[1] > scores[0]


def test_irregular_verb_forms_meet_their_base_form() -> None:
    assert terms("Who wrote it?") == terms("it was written by") == terms("write")


def test_an_identifier_keeps_the_brackets_it_opened() -> None:
    assert "+(foo)" in terms("patterns like +(foo) in zsh?")
    assert "f(x)" in terms("call f(x), then stop")
    assert identifiers("(see this)") == []


def test_the_words_behind_terms_are_shown_as_the_text_writes_them() -> None:
    question = "How do I scale Kubernetes replicas on my Wi-Fi router? Kubernetes, again."
    assert words_giving(question, {"kubernet", "wi"}) == ["Kubernetes", "Wi-Fi"]
    assert words_giving(question, {"absent"}) == []
