"""The scripted model of the OpenAI path: it searches first, then quotes the sentences that
cover the question (verbatim, with their refs), and refuses when none does."""

from __future__ import annotations

import json
from typing import Any

from benchmarks.quality.reader_model import REFUSAL, answer_from_tool_results

QUESTION = "How long should the bread rise before baking?"


def _request(*tool_results: dict[str, Any]) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": "rules"},
        {"role": "user", "content": QUESTION},
    ]
    for result in tool_results:
        messages.append({"role": "tool", "tool_call_id": "c", "content": json.dumps(result)})
    return {"model": "gpt-fake", "messages": messages}


def test_the_first_request_searches_for_the_question() -> None:
    message = answer_from_tool_results(_request())
    call = message["tool_calls"][0]["function"]
    assert call["name"] == "search_documents"
    assert json.loads(call["arguments"]) == {"query": QUESTION}


def test_it_quotes_the_covering_sentence_verbatim_with_its_ref() -> None:
    passages = [
        {"ref": 1, "text": "Flour is milled wheat. Ovens vary."},
        {"ref": 2, "text": "Let the bread rise for two\nhours before baking it. Then slash it."},
    ]
    message = answer_from_tool_results(_request({"passages": passages}))
    assert message["content"].startswith(
        '"Let the bread rise for two\nhours before baking it." [2]'
    )


def test_it_refuses_when_no_sentence_covers_the_question() -> None:
    passages = [{"ref": 1, "text": "The bread aisle is on the left."}]
    refused = answer_from_tool_results(_request({"passages": passages}))
    empty = answer_from_tool_results(_request({"passages": [], "note": "No passage matches."}))
    assert refused["content"] == REFUSAL
    assert empty["content"] == REFUSAL


def test_asked_for_structured_output_it_answers_with_verbatim_quotes_by_ref() -> None:
    # Given a request asking for {"answer", "citations": [{"ref", "quote"}]}
    request = _request(
        {"passages": [{"ref": 3, "text": "Let the bread rise for two hours before baking."}]}
    )
    request["response_format"] = {
        "type": "json_schema",
        "json_schema": {
            "name": "cited_answer",
            "schema": {"type": "object", "properties": {"answer": {}, "citations": {}}},
        },
    }
    # When it answers, Then the content is that JSON, quoting the passage's own sentence
    reply = json.loads(answer_from_tool_results(request)["content"])
    quote = "Let the bread rise for two hours before baking."
    assert reply == {"answer": f'"{quote}" [3]', "citations": [{"ref": 3, "quote": quote}]}
