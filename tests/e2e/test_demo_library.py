"""`make dev`'s demo user: a sample library ingested at start, and suggested questions the
offline provider answers right."""

from __future__ import annotations

import json
from typing import Any

from local.demo.library import MARKDOWN_FILE, PDF_NAME, QUESTIONS
from tests.e2e.client import Api, http, sign_in

# The questions whose fact is in the PDF handbook (the others: the Markdown guide).
PDF_QUESTIONS = {"When does the station gate close?", "How long can kayaks be borrowed?",
                 "What is the emergency radio channel?"}  # fmt: skip


def _demo_api(stack: dict[str, Any]) -> Api:
    tokens = sign_in(
        stack["cognito_endpoint"], stack["user_pool_client_id"], stack["demo_email"],
        stack["demo_password"],
    )  # fmt: skip
    return Api(stack["api_url"], tokens["IdToken"])


def test_the_site_config_suggests_the_demo_questions_to_the_demo_user(
    stack: dict[str, Any],
) -> None:
    config = json.loads(http("GET", f"{stack['url']}/config.json").body)
    assert config["demo"] == {
        "email": stack["demo_email"],
        "questions": [question for question, _ in QUESTIONS],
    }


def test_the_demo_user_has_the_sample_library_and_its_questions_are_answered(
    stack: dict[str, Any],
) -> None:
    # Given the demo user, signed in right after start-up
    api = _demo_api(stack)

    # Then the sample PDF and Markdown file are in their library and become READY
    items = api.get("/documents").json["items"]
    assert sorted(d["name"] for d in items) == sorted([PDF_NAME, MARKDOWN_FILE.name])
    for item in items:
        document = api.wait_for_status(item["documentId"])
        assert document["status"] == "READY", document
        if document["name"] == PDF_NAME:
            assert document["pages"] == 3

    # And every suggested question gets an answer with its fact and the right source
    conversation = api.post("/conversations", {}).json
    for question, fact in QUESTIONS:
        reply = api.post(f"/conversations/{conversation['conversationId']}/messages",
                         {"question": question})  # fmt: skip
        assert reply.status == 200, reply.body
        message = reply.json
        assert fact in message["answer"], (question, message["answer"])
        assert message["grounding"] == "found", (question, message["answer"])  # not doubtful
        expected = PDF_NAME if question in PDF_QUESTIONS else MARKDOWN_FILE.name
        assert message["citations"][0]["documentName"] == expected
