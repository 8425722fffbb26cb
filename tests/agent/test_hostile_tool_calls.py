"""A model that sends absurd tool arguments gets tool errors and still answers: never a 500."""

from __future__ import annotations

import json

from handlers.core.llm.chat import GATE_CALL_ID
from tests.agent.conftest import CallAgent, Library
from tests.agent.fake_openai import FakeOpenAI, answer_message, tool_call_message
from tests.support.conversations import ask
from tests.support.events import USER_A

CHAT = "/v1/chat/completions"


def test_overflowing_tool_arguments_become_tool_errors_and_the_question_is_answered(
    use_openai: FakeOpenAI, call_agent: CallAgent, library: Library
) -> None:
    # Given a document and a model whose first round of tool calls is hostile
    document_id = library.add(USER_A, "terms.txt", [(1, "The warranty lasts two years.")])
    use_openai.chat_replies.extend(
        [
            tool_call_message(
                ("read_passage", {"document_id": document_id, "chunk_index": float("inf")}),
                ("search_documents", {"query": "warranty", "top_k": float("inf")}),
                ("read_passage", {"document_id": document_id, "chunk_index": 10**400}),
                ("search_documents", {"query": "warranty", "top_k": float("nan")}),
            ),
            answer_message("I could not read that passage."),
        ]
    )

    # When the user asks
    result, _ = ask(call_agent, "How long is the warranty?")

    # Then the question is answered, and the model was told what was wrong with each call
    assert result.status == 200, result.body
    # (the first tool message is the question's own gated search, made before the model runs)
    tool_messages = [
        m
        for m in use_openai.calls(CHAT)[-1].body["messages"]
        if m["role"] == "tool" and m["tool_call_id"] != GATE_CALL_ID
    ]
    errors = [json.loads(m["content"])["error"] for m in tool_messages]
    assert len(errors) == 4
    assert all(error.startswith("invalid arguments") for error in errors)
    assert "chunk_index" in errors[0]
    assert "top_k" in errors[1]
