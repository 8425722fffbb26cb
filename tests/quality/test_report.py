"""The benchmark's report: one row a mode, a row per format and per split, and JSON with every
answer."""

from __future__ import annotations

import json

from benchmarks.answer_quality import (
    as_json,
    doubt_table,
    format_table,
    question_lines,
    split_table,
    table,
)
from benchmarks.quality.answers import Answer, CitationView
from benchmarks.quality.labels import Question
from benchmarks.quality.run import ModeResult
from benchmarks.quality.scoring import Outcome, summarise


def _result() -> ModeResult:
    answerable = Question(
        "q-pdf", "Where?", "manual", pages=(3,), facts=("fact",), splits=("tune",)
    )
    unanswerable = Question("q-none", "What is the capital of Mars?", splits=("tune", "new"))
    new = Question("q-new", "How?", "faq", section="Setup", facts=("x",), splits=("new",))
    cited = Answer("the fact [1]", [CitationView("id-1", 3, None, "the fact")], 0.02)
    outcomes = [
        Outcome(answerable, cited, top1=True, top3=True, near=True, fact=True),
        Outcome(
            unanswerable, Answer("Not in your documents.", [], 0.01), False, False, False, False
        ),
        Outcome(new, Answer("No.", [], 0.01), False, False, False, False),
    ]
    return ModeResult(
        "offline",
        summarise(outcomes),
        outcomes,
        1.5,
        12,
        {"id-1": "manual"},
        {"q-pdf": "pdf", "q-new": "txt"},
        {o.question.key: o.question.splits for o in outcomes},
        ["tune", "new"],
    )


def test_the_tables_show_each_rate_per_mode_and_format() -> None:
    result = _result()
    assert "| offline | 50% | 50% | 50% | 50% | 100% | 50% |" in table([result])
    assert "| offline | pdf | 1 | 100% | 100% | 100% | 100% |" in format_table([result])
    assert "| offline | txt | 1 | 0% | 0% | 0% | 0% |" in format_table([result])


def test_the_split_table_reports_each_split_with_its_own_unanswerable_questions() -> None:
    # Given a tuned-on question answered, a new split's question falsely refused, and an
    # unanswerable question written for both splits
    rows = split_table([_result()]).splitlines()
    # Then each split counts its own questions, and "all" the whole set
    assert "| offline | tune | 1 | 1 | 100% | 100% | 100% | 100% | 100% | 0% |" in rows
    assert "| offline | new | 1 | 1 | 0% | 0% | 0% | 0% | 100% | 100% |" in rows
    assert "| offline | all | 2 | 1 | 50% | 50% | 50% | 50% | 100% | 50% |" in rows


def test_doubtful_answers_are_counted_among_the_wrong_and_the_right_ones() -> None:
    result = _result()
    right = result.outcomes[0]
    wrong = Outcome(
        Question("q-none-2", "Who won?", splits=("tune",)),
        Answer("Closest [1]", right.answer.citations, 0.01, grounding="doubtful"),
        False,
        False,
        False,
        False,
    )
    doubted_right = Outcome(
        right.question,
        Answer("the fact [1]", right.answer.citations, 0.01, grounding="doubtful"),
        True,
        True,
        True,
        True,
    )
    result.outcomes[:] = [*result.outcomes, wrong, doubted_right]
    # Refused answers do not count; the answered unanswerable one is wrong.
    assert "| offline | 2 of 3 | 1 of 1 | 1 of 2 |" in doubt_table([result])


def test_each_question_gets_a_line_naming_what_was_cited() -> None:
    lines = question_lines(_result())
    assert lines[0].split()[:2] == ["13±F", "q-pdf"]
    assert "cited manual p3" in lines[0]
    assert lines[1].split()[:2] == ["refused", "q-none"]


def test_the_json_holds_the_summary_and_every_answer_with_its_citations() -> None:
    report = json.loads(json.dumps(as_json([_result()])))
    offline = report["offline"]
    assert offline["summary"]["correct_refusals"] == 1.0
    first = offline["questions"][0]
    assert first["answer"] == "the fact [1]"
    assert first["citations"][0]["documentKey"] == "manual"
    assert first["citations"][0]["page"] == 3
