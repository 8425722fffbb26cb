"""The `openai` provider end to end: the real `openai` client, over HTTP, against the fake
OpenAI-compatible server; the key comes from moto's Secrets Manager."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from handlers.core.conversations.quotas import DailyQuota
from handlers.core.derived.vectors import Matrix
from tests.agent.conftest import API_KEY, DIMENSIONS, CallAgent, ConfigureAgent, Library
from tests.agent.fake_openai import FakeOpenAI, answer_message, fake_embedding, tool_call_message
from tests.support.conversations import ask
from tests.support.events import USER_A
from tests.support.lambda_context import FakeLambdaContext

CHAT = "/v1/chat/completions"
EMBEDDINGS = "/v1/embeddings"

TERMS = [
    (1, "Invoices are payable within thirty days of receipt. Late payments accrue interest."),
    (2, "The warranty covers manufacturing defects for two years from delivery."),
    (3, "Support is available on weekdays from nine to five by email and phone."),
]


class ServerEmbedder:
    """Embeds like the fake server does, under OpenAI's model id: what ingest would store."""

    model_id = "text-embedding-3-small"
    dimensions = DIMENSIONS

    def embed(self, texts: Sequence[str]) -> Matrix:
        return np.asarray([fake_embedding(t, DIMENSIONS) for t in texts], dtype=np.float32)


def tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"]


def test_tool_loop_searches_then_answers_with_citations(
    use_openai: FakeOpenAI, call_agent: CallAgent, library: Library, capsys: Any
) -> None:
    # Given a document embedded with the provider's model, and a model that searches first
    document_id = library.add(USER_A, "terms.txt", TERMS, embedder=ServerEmbedder())

    def answer_from_results(body: dict[str, Any]) -> dict[str, Any]:
        passages = tool_results(body)[0]["passages"]
        ref = next(p["ref"] for p in passages if "warranty" in p["text"])
        return answer_message(f"The warranty lasts two years [{ref}].")

    use_openai.chat_replies.extend(
        [
            tool_call_message(("search_documents", {"query": "warranty duration", "top_k": 3})),
            answer_from_results,
        ]
    )
    capsys.readouterr()

    # When the user asks
    result, conversation = ask(call_agent, "How long is the warranty?")

    # Then the answer cites the warranty passage, renumbered as [1]
    assert result.status == 200, result.body
    assert result.body["answer"] == "The warranty lasts two years [1]."
    assert result.body["model"] == "gpt-fake"
    assert result.body["usage"] == {"promptTokens": 200, "completionTokens": 40}
    [citation] = result.body["citations"]
    assert citation["documentId"] == document_id
    assert citation["page"] == 2
    assert "two years" in citation["excerpt"]

    # And the requests went over HTTP with the key, the tools and the system prompt
    chats = use_openai.calls(CHAT)
    assert len(chats) == 2
    assert {c.authorization for c in chats} == {f"Bearer {API_KEY}"}
    first = chats[0].body
    assert first["model"] == "gpt-fake"
    assert first["messages"][0]["role"] == "system"
    assert "untrusted data" in first["messages"][0]["content"]
    assert {t["function"]["name"] for t in first["tools"]} == {
        "search_documents",
        "read_passage",
        "list_documents",
    }
    # the second request carries the assistant's tool call and the tool's result
    assert chats[1].body["messages"][-2]["tool_calls"][0]["function"]["name"] == "search_documents"
    assert chats[1].body["messages"][-1]["role"] == "tool"
    # the question (searched before the model was called) and the model's query were
    # embedded with the configured model and dimensions (hybrid search)
    embedding_calls = use_openai.calls(EMBEDDINGS)
    assert [c.body["input"] for c in embedding_calls] == [
        ["How long is the warranty?"],
        ["warranty duration"],
    ]
    assert {c.body["dimensions"] for c in embedding_calls} == {DIMENSIONS}

    # And token usage and LLM latency went out as metrics
    emitted = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    metrics = {k: v for record in emitted for k, v in record.items() if not k.startswith("_")}
    assert metrics["PromptTokens"] == [200.0]
    assert metrics["CompletionTokens"] == [40.0]
    assert metrics["LlmRequests"] == [2.0]
    assert metrics["LlmLatency"][0] > 0

    # And the stored message is the returned one
    stored = call_agent("GET", f"/conversations/{conversation['conversationId']}").body
    assert stored["messages"] == [result.body]


def test_documents_embedded_with_another_model_fall_back_to_bm25(
    use_openai: FakeOpenAI, call_agent: CallAgent, library: Library
) -> None:
    # Given a document embedded offline, while the agent runs the openai provider
    library.add(USER_A, "terms.txt", TERMS)
    use_openai.chat_replies.extend(
        [
            tool_call_message(("search_documents", {"query": "warranty"})),
            lambda body: answer_message(
                "Two years [1]." if tool_results(body)[0]["passages"] else "Not found."
            ),
        ]
    )

    result, _ = ask(call_agent, "How long is the warranty?")

    # Then the search still finds the passage, without embedding the query
    assert result.status == 200
    assert result.body["answer"] == "Two years [1]."
    assert result.body["citations"][0]["page"] == 2
    assert use_openai.calls(EMBEDDINGS) == []


def test_a_429_is_retried_and_then_succeeds(
    use_openai: FakeOpenAI, call_agent: CallAgent, library: Library
) -> None:
    library.add(USER_A, "terms.txt", TERMS)
    use_openai.fail(CHAT, 429, times=1)
    use_openai.chat_replies.append(answer_message("The documents do not contain this."))

    result, _ = ask(call_agent, "When is support available?")

    assert result.status == 200
    assert result.body["answer"] == "The documents do not contain this."
    assert result.body["citations"] == []
    assert len(use_openai.calls(CHAT)) == 2


def test_persistent_500_gives_up_with_503_and_nothing_is_stored(
    use_openai: FakeOpenAI,
    call_agent: CallAgent,
    library: Library,
    table: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a provider that always fails
    library.add(USER_A, "terms.txt", TERMS)
    use_openai.fail(CHAT, 500, times=None)

    # When a question is asked
    result, conversation = ask(call_agent, "How long is the warranty?")

    # Then after one try and LLM_MAX_RETRIES=2 retries it is a 503 with Retry-After
    assert result.status == 503
    assert result.body["error"]["code"] == "llm_unavailable"
    assert int(result.headers["Retry-After"]) > 0
    assert len(use_openai.calls(CHAT)) == 3
    # And no message was stored, and the question was given back to the quota
    stored = call_agent("GET", f"/conversations/{conversation['conversationId']}").body
    assert stored["messages"] == []
    quota = DailyQuota(table, question_limit=50, token_limit=100000)
    from datetime import UTC, datetime

    assert quota.usage(USER_A, datetime.now(UTC)) == (0, 0)
    # And the failure counts in both terms of the error-rate alarm (LlmErrors / LlmRequests)
    emitted = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    asked = next(record for record in emitted if "LlmErrors" in record)
    assert (asked["LlmErrors"], asked["LlmRequests"]) == ([1.0], [1.0])


def test_a_response_slower_than_the_timeout_is_a_503(
    use_openai: FakeOpenAI,
    call_agent: CallAgent,
    library: Library,
    configure_agent: ConfigureAgent,
) -> None:
    configure_agent(LLM_TIMEOUT_SECONDS="0.3", LLM_MAX_RETRIES="1")
    library.add(USER_A, "terms.txt", TERMS)
    use_openai.delay(CHAT, 1.5, times=None)

    result, _ = ask(call_agent, "How long is the warranty?")

    assert result.status == 503
    assert result.body["error"]["code"] == "llm_unavailable"
    assert "Retry-After" in result.headers
    assert len(use_openai.calls(CHAT)) == 2  # the first try and one retry both timed out


def test_tool_rounds_are_bounded(
    use_openai: FakeOpenAI,
    call_agent: CallAgent,
    library: Library,
    configure_agent: ConfigureAgent,
) -> None:
    # Given a model that would call tools forever
    configure_agent(MAX_TOOL_ROUNDS="2")
    library.add(USER_A, "terms.txt", TERMS)

    def keep_searching(body: dict[str, Any]) -> dict[str, Any]:
        if body.get("tool_choice") == "none":
            return answer_message("Support is on weekdays [2].")
        return tool_call_message(("search_documents", {"query": "support hours"}))

    use_openai.chat_replies.extend([keep_searching] * 10)

    result, _ = ask(call_agent, "When is support available?")

    # Then two tool rounds, then one forced answer: three requests in all
    chats = use_openai.calls(CHAT)
    assert [c.body["tool_choice"] for c in chats] == ["auto", "auto", "none"]
    assert result.status == 200
    # [2] named nothing retrieved (one passage only was retrieved, twice): mark dropped
    assert result.body["answer"] == "Support is on weekdays."
    assert result.body["citations"] == []


def test_missing_secret_is_503_not_configured(
    use_openai: FakeOpenAI,
    call_agent: CallAgent,
    library: Library,
    configure_agent: ConfigureAgent,
) -> None:
    configure_agent(OPENAI_SECRET_ARN="arn:aws:secretsmanager:us-east-1:123456789012:secret:nope")
    library.add(USER_A, "terms.txt", TERMS)

    result, _ = ask(call_agent, "How long is the warranty?")

    assert result.status == 503
    assert result.body["error"]["code"] == "llm_not_configured"
    assert int(result.headers["Retry-After"]) > 0
    assert use_openai.requests == []


def test_a_slow_model_is_cut_off_before_the_function_runs_out(
    use_openai: FakeOpenAI,
    call_agent: CallAgent,
    library: Library,
    table: Any,
    configure_agent: ConfigureAgent,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a function with 5.5 s left (the question is searched first), a client allowed
    # 20 s x 4 tries, and a model that takes 6 s
    configure_agent(LLM_TIMEOUT_SECONDS="20", LLM_MAX_RETRIES="3")
    monkeypatch.setattr(FakeLambdaContext, "get_remaining_time_in_millis", lambda _: 5500)
    library.add(USER_A, "terms.txt", TERMS)
    use_openai.delay(CHAT, 6, times=None)

    # When a question is asked
    result, _ = ask(call_agent, "How long is the warranty?")

    # Then the one call that fits is cut short and the caller gets a 503 to retry, not a 504
    assert result.status == 503
    assert result.body["error"]["code"] == "llm_unavailable"
    assert "Retry-After" in result.headers
    assert len(use_openai.calls(CHAT)) == 1
    # And the question is given back to the quota
    from datetime import UTC, datetime

    quota = DailyQuota(table, question_limit=50, token_limit=100000)
    assert quota.usage(USER_A, datetime.now(UTC)) == (0, 0)
