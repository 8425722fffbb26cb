"""The OpenAI path cites by ref with a verbatim quote; the gate answers before the model."""

from __future__ import annotations

import json
from typing import Any

import pytest

from handlers.core.contracts import metric_names as names
from handlers.core.llm.answers import MAX_QUOTED_WORDS, NOT_IN_DOCUMENTS, quoted_words
from handlers.core.llm.offline import ANSWER_INTRO, UNMENTIONED_INTRO
from handlers.core.llm.prompts import doubt_note
from tests.agent.conftest import CallAgent, Library
from tests.agent.fake_openai import FakeOpenAI, answer_message
from tests.agent.test_feedback_api import _emf
from tests.agent.test_openai_agent import ServerEmbedder
from tests.support.conversations import ask, ask_in
from tests.support.events import USER_A

CHAT = "/v1/chat/completions"

MANUAL = [
    (4, "Invoices are payable within thirty days of receipt.\nLate payments accrue interest."),
    (
        5,
        "Returns are free. The warranty covers manufacturing defects for two years from "
        "delivery. Batteries are covered for one year.",
    ),
    (6, "Support is available on weekdays from nine to five by email and phone."),
]


def gate_result(body: dict[str, Any]) -> dict[str, Any]:
    """The result of the search run before the model (the first tool result)."""
    tool = next(m for m in body["messages"] if m["role"] == "tool")
    result: dict[str, Any] = json.loads(tool["content"])
    return result


def gate_passages(body: dict[str, Any]) -> list[dict[str, Any]]:
    passages: list[dict[str, Any]] = gate_result(body)["passages"]
    return passages


def test_a_quote_not_in_its_passage_drops_the_citation(
    use_openai: FakeOpenAI, call_agent: CallAgent, library: Library
) -> None:
    # Given a model that cites two passages: one with a verbatim quote (its line break and
    # straight quotes normalised away), one with a quote it invented
    library.add(USER_A, "manual.txt", MANUAL, embedder=ServerEmbedder())

    def cite(body: dict[str, Any]) -> dict[str, Any]:
        refs = {p["page"]: p["ref"] for p in gate_passages(body)}
        return answer_message(
            json.dumps(
                {
                    "answer": f"Two years [{refs[5]}], and batteries last ten years [{refs[6]}].",
                    "citations": [
                        {
                            "ref": refs[5],
                            "quote": "\u201cthe warranty covers manufacturing defects for two "
                            "years\u201d",
                        },
                        {"ref": refs[6], "quote": "Batteries are covered for ten years."},
                    ],
                }
            )
        )

    use_openai.chat_replies.append(cite)

    # When the user asks
    result, _ = ask(call_agent, "How long does the warranty cover manufacturing defects?")

    # Then one request sufficed (the passages came with it), the invented citation is gone,
    # and the kept one's excerpt is the passage's own text of the quote
    assert result.status == 200, result.body
    assert len(use_openai.calls(CHAT)) == 1
    assert result.body["answer"] == "Two years [1], and batteries last ten years."
    [citation] = result.body["citations"]
    assert citation["page"] == 5
    assert citation["excerpt"] == "The warranty covers manufacturing defects for two years"
    assert MANUAL[1][1][citation["start"] : citation["end"]] == citation["excerpt"]
    # And the model was asked for quotes in the structured format
    request = use_openai.calls(CHAT)[0].body
    assert request["response_format"]["json_schema"]["name"] == "cited_answer"


def test_a_quote_from_another_passage_does_not_count(
    use_openai: FakeOpenAI, call_agent: CallAgent, library: Library
) -> None:
    library.add(USER_A, "manual.txt", MANUAL, embedder=ServerEmbedder())

    def misattribute(body: dict[str, Any]) -> dict[str, Any]:
        refs = {p["page"]: p["ref"] for p in gate_passages(body)}
        quote = "Support is available on weekdays"  # real, but from page 6
        answer = {
            "answer": f"Weekdays [{refs[4]}].",
            "citations": [{"ref": refs[4], "quote": quote}],
        }
        return answer_message(json.dumps(answer))

    use_openai.chat_replies.append(misattribute)
    result, _ = ask(call_agent, "When is support available by phone?")

    assert result.status == 200, result.body
    assert result.body["answer"] == "Weekdays."
    assert result.body["citations"] == []


def test_without_evidence_the_model_is_never_called(
    use_openai: FakeOpenAI, call_agent: CallAgent, library: Library
) -> None:
    # Given documents that share only a common word ("delivery") with the question
    library.add(USER_A, "manual.txt", MANUAL)

    result, _ = ask(call_agent, "Which courier handles pizza delivery in Rome?")

    assert result.status == 200, result.body
    assert result.body["answer"] == NOT_IN_DOCUMENTS
    assert result.body["citations"] == []
    assert use_openai.calls(CHAT) == []


def test_offline_refuses_a_question_sharing_only_common_words(
    call_agent: CallAgent, library: Library
) -> None:
    library.add(USER_A, "manual.txt", MANUAL)

    result, conversation = ask(call_agent, "Which courier handles pizza delivery in Rome?")

    assert result.status == 200, result.body
    assert result.body["answer"] == NOT_IN_DOCUMENTS
    assert result.body["citations"] == []
    assert result.body["grounding"] == "not_found"
    # ...and so it reads back.
    stored = call_agent("GET", f"/conversations/{conversation['conversationId']}")
    assert stored.body["messages"][0]["grounding"] == "not_found"


def test_offline_quotes_the_matching_sentence_not_the_passage_opening(
    call_agent: CallAgent, library: Library
) -> None:
    library.add(USER_A, "manual.txt", MANUAL)

    result, _ = ask(call_agent, "Are batteries covered by the warranty?")

    assert result.status == 200, result.body
    first = result.body["citations"][0]
    assert first["page"] == 5
    # The two sentences that hold the question's terms, not "Returns are free."
    expected = (
        "The warranty covers manufacturing defects for two years from delivery. "
        "Batteries are covered for one year."
    )
    assert first["excerpt"] == expected
    # And the citation locates that sentence in its page's text (what the site highlights)
    page_text = MANUAL[1][1]
    assert first["start"] == page_text.index("The warranty")
    assert page_text[first["start"] : first["end"]] == expected
    assert "Returns are free" not in result.body["answer"]
    assert result.body["answer"].count("Batteries are covered for one year.") == 1
    assert result.body["answer"].startswith(ANSWER_INTRO)
    assert result.body["grounding"] == "found"


def test_offline_says_which_word_of_the_question_the_documents_never_mention(
    call_agent: CallAgent, library: Library
) -> None:
    library.add(USER_A, "manual.txt", MANUAL)

    # "tandem" is in no document; the rest of the question is on page 5
    result, _ = ask(call_agent, "Are the batteries of a tandem covered by the warranty?")

    assert result.status == 200, result.body
    assert result.body["citations"][0]["page"] == 5
    intro = result.body["answer"].split("\n\n")[0]
    assert intro == UNMENTIONED_INTRO.format(words="\u201ctandem\u201d")
    assert result.body["grounding"] == "doubtful"


def test_a_follow_up_is_weighed_with_the_question_before_it(
    use_openai: FakeOpenAI, call_agent: CallAgent, library: Library
) -> None:
    # Given an answered question about support
    library.add(USER_A, "manual.txt", MANUAL)
    use_openai.chat_replies.extend(
        [answer_message("Weekdays, nine to five."), answer_message("Not at weekends.")]
    )
    first, conversation = ask(call_agent, "When is support available by phone?")
    assert first.status == 200, first.body

    # When the follow-up names nothing the documents contain on its own ("weekends")
    follow_up = ask_in(call_agent, conversation["conversationId"], "And at weekends?")

    # Then it is weighed with the question before it, and the model answers it
    assert follow_up.status == 200, follow_up.body
    assert follow_up.body["answer"] == "Not at weekends."
    assert len(use_openai.calls(CHAT)) == 2
    # while on its own it would have been refused without calling the model
    alone, _ = ask(call_agent, "And at weekends?")
    assert alone.body["answer"] == NOT_IN_DOCUMENTS
    assert len(use_openai.calls(CHAT)) == 2


def test_the_model_is_told_when_the_gate_doubts_its_passages(
    use_openai: FakeOpenAI,
    call_agent: CallAgent,
    library: Library,
    capsys: pytest.CaptureFixture[str],
) -> None:
    library.add(USER_A, "manual.txt", MANUAL)
    capsys.readouterr()
    use_openai.chat_replies.extend(
        [answer_message("One year."), answer_message("The documents do not say.")]
    )

    ask(call_agent, "Are batteries covered by the warranty?")
    ask(call_agent, "Are the batteries of a tandem covered by the warranty?")

    plain, doubted = (gate_result(call.body) for call in use_openai.calls(CHAT))
    assert "note" not in plain
    assert doubted["note"] == doubt_note("\u201ctandem\u201d")
    assert doubted["passages"][0]["page"] == 5  # the passages are still given
    doubts = [r[names.ANSWERS_DOUBTFUL] for r in _emf(capsys) if names.ANSWERS_DOUBTFUL in r]
    assert doubts == [[0.0], [1.0]]


def test_each_answer_counts_what_the_gate_found(
    call_agent: CallAgent, library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    library.add(USER_A, "manual.txt", MANUAL)
    capsys.readouterr()

    for question in (
        "Are batteries covered by the warranty?",
        "Are the batteries of a tandem covered by the warranty?",
        "Which courier handles pizza delivery in Rome?",
    ):
        assert ask(call_agent, question)[0].status == 200

    # Each question counts 1 or 0 in both, so their average is a share.
    records = [r for r in _emf(capsys) if names.ANSWERS_DOUBTFUL in r]
    counts = [(r[names.ANSWERS_NOT_IN_DOCUMENTS], r[names.ANSWERS_DOUBTFUL]) for r in records]
    assert counts == [([0.0], [0.0]), ([0.0], [1.0]), ([1.0], [0.0])]


def test_only_the_first_few_unmentioned_words_are_named() -> None:
    assert quoted_words([]) is None
    assert quoted_words(["leap"]) == "\u201cleap\u201d"
    named = quoted_words([f"w{i}" for i in range(MAX_QUOTED_WORDS + 5)])
    assert named is not None
    assert named.count("\u201c") == MAX_QUOTED_WORDS
