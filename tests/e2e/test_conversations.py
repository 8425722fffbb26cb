"""Questions end to end: the agent answers from Alice's documents and cites the page."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import DOCX_QUESTION, User


def test_the_answer_cites_the_pdf_page_that_holds_it(
    vault_answer: dict[str, Any], library: dict[str, dict[str, Any]]
):
    # Given Alice asked where the combination of the blue vault is (page 2 of her PDF)
    cited = {(c["documentId"], c["page"]) for c in vault_answer["citations"]}

    # Then the offline provider answers, citing that document and page
    assert vault_answer["model"] == "offline"
    assert (library["pdf"]["documentId"], 2) in cited
    assert "7319" in vault_answer["answer"] + " ".join(
        c["excerpt"] for c in vault_answer["citations"]
    )
    citation = next(c for c in vault_answer["citations"] if c["page"] == 2)
    assert citation["documentName"] == "vault-manual.pdf"


def test_a_question_about_the_docx_cites_the_docx(
    alice: User, conversation: dict[str, Any], library: dict[str, dict[str, Any]]
):
    reply = alice.api.post(
        f"/conversations/{conversation['conversationId']}/messages", {"question": DOCX_QUESTION}
    )

    assert reply.status == 200, reply.body
    cited = {c["documentId"] for c in reply.json["citations"]}
    assert library["docx"]["documentId"] in cited


def test_the_conversation_keeps_its_messages(
    alice: User, conversation: dict[str, Any], vault_answer: dict[str, Any]
):
    reply = alice.api.get(f"/conversations/{conversation['conversationId']}")

    assert reply.status == 200
    assert reply.json["conversation"]["title"] == "Vault questions"
    message_ids = [message["messageId"] for message in reply.json["messages"]]
    assert vault_answer["messageId"] in message_ids
    listed = alice.api.get("/conversations").json["items"]
    assert conversation["conversationId"] in [item["conversationId"] for item in listed]


def test_a_deleted_conversation_is_gone(alice: User):
    created = alice.api.post("/conversations", {"title": "Short-lived"}).json
    path = f"/conversations/{created['conversationId']}"

    assert alice.api.delete(path).status == 204
    assert alice.api.get(path).status == 404
    assert alice.api.post(f"{path}/messages", {"question": "Anything?"}).status == 404
