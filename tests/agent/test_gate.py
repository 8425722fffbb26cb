"""The relevance gate: IDF-weighted coverage of a question's key terms by one passage."""

from __future__ import annotations

from handlers.core.retrieval.bm25 import LexicalIndex, term_statistics
from handlers.core.retrieval.gate import Candidate, gate_terms, term_weights, weigh

PASSAGES = [
    "To undo the last commit, run git reset HEAD~1; the changes stay in the working tree.",
    "git rebase -i lets you reorder, squash or drop commits before you push them.",
    "The working tree holds the files you edit; the index holds the next commit.",
    "Contents\nBisect ........ 3\nBlame ........ 7\nReset ........ 9\nTree ....... 11",
    "Push sends your commits to the remote; pull fetches and merges theirs.",
]
INDEX = LexicalIndex.build(PASSAGES)


def decide(question: str, *, navigation: int | None = None) -> tuple[bool, float]:
    terms = gate_terms(question)
    statistics = term_statistics(terms, [INDEX])
    candidates = [Candidate(t, navigation=i == navigation) for i, t in enumerate(PASSAGES)]
    evidence = weigh(terms, statistics, candidates)
    return evidence.found, evidence.coverage


def test_a_question_whose_terms_one_passage_holds_has_evidence() -> None:
    assert decide("How can I undo my last commit?")[0]
    assert decide("What does git rebase -i do?")[0]


def test_a_question_sharing_only_common_words_has_none() -> None:
    # "commit" and "push" are everywhere; "signing", "gpg" and "key" nowhere
    found, coverage = decide("How do I push a commit signed with my GPG key?")
    assert not found
    assert coverage < 0.5


def test_a_table_of_contents_is_not_evidence() -> None:
    # Only the contents page names "bisect" and "blame"; it answers nothing about them
    assert decide("How do bisect and blame work?")[0]
    assert not decide("How do bisect and blame work?", navigation=3)[0]


def test_absent_terms_weigh_most() -> None:
    statistics = term_statistics({"commit", "kubernet"}, [INDEX])
    assert statistics.document_frequency["kubernet"] == 0
    assert statistics.idf["kubernet"] > statistics.idf["commit"]


def test_a_question_of_only_phrasing_has_no_evidence() -> None:
    assert decide("Can you explain what it means?") == (False, 0.0)


def test_an_absent_identifier_does_not_count_against_its_words() -> None:
    # "squash-merge" is nowhere, but "squash" and "commit" are in one passage
    terms = gate_terms("Can git rebase -i squash-merge commits?")
    statistics = term_statistics(terms, [INDEX])
    assert "squash-merge" not in term_weights(terms, statistics)
    assert decide("Can git rebase -i squash-merge commits?")[0]
