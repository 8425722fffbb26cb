"""With OPENAI_API_KEY set, the stack keeps the key in its Secrets Manager and the functions
use the `openai` provider (here against a fake OpenAI-compatible server on 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.agent.fake_openai import FakeOpenAI, answer_message, tool_call_message
from tests.e2e.conftest import PDF_QUESTION, new_user, running_stack, upload_library

API_KEY = "sk-local-e2e-key"


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def openai_stack(
    tmp_path_factory: pytest.TempPathFactory, fake_openai: FakeOpenAI
) -> Iterator[dict[str, Any]]:
    log_path = tmp_path_factory.mktemp("openai-stack") / "stack.log"
    env = {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": fake_openai.base_url}
    with running_stack(log_path, env) as details:
        yield details


def _answer_from_search(body: dict[str, Any]) -> dict[str, Any]:
    results = [json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"]
    ref = next(p["ref"] for p in results[0]["passages"] if "7319" in p["text"])
    return answer_message(f"The combination of the blue vault is 7319 [{ref}].")


def test_the_openai_provider_embeds_and_answers_with_the_configured_key(
    openai_stack: dict[str, Any], fake_openai: FakeOpenAI
):
    # Given a stack started with OPENAI_API_KEY and OPENAI_BASE_URL, and a user's documents
    assert openai_stack["provider"] == "openai"
    carol = new_user(openai_stack)
    library = upload_library(carol)
    assert library["pdf"]["status"] == "READY", library["pdf"]["failureReason"]

    # When the model searches, then answers from the passage it found
    fake_openai.chat_replies.extend(
        [tool_call_message(("search_documents", {"query": "blue vault combination"})),
         _answer_from_search]
    )  # fmt: skip
    conversation = carol.api.post("/conversations", {"title": "With OpenAI"}).json
    reply = carol.api.post(
        f"/conversations/{conversation['conversationId']}/messages", {"question": PDF_QUESTION}
    )

    # Then the answer is the model's, citing the PDF's page 2
    assert reply.status == 200, reply.body
    assert reply.json["model"] != "offline"
    assert "7319" in reply.json["answer"]
    cited = {(c["documentId"], c["page"]) for c in reply.json["citations"]}
    assert (library["pdf"]["documentId"], 2) in cited
    # And every call to the provider carried the key from the stack's Secrets Manager
    assert fake_openai.calls("/v1/embeddings")
    assert fake_openai.calls("/v1/chat/completions")
    assert {r.authorization for r in fake_openai.requests} == {f"Bearer {API_KEY}"}
