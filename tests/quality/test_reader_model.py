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
