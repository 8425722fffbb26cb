"""Bob sees nothing of Alice's: documents, conversations, answers."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import PDF_QUESTION, User


def test_bob_lists_none_of_alices_documents_or_conversations(
    bob: User, library: dict[str, dict[str, Any]], vault_answer: dict[str, Any]
):
    assert bob.api.get("/documents").json["items"] == []
    assert bob.api.get("/conversations").json["items"] == []


def test_alices_document_is_not_found_for_bob(bob: User, library: dict[str, dict[str, Any]]):
    reply = bob.api.get(f"/documents/{library['pdf']['documentId']}")

    assert reply.status == 404
    assert reply.json["error"]["code"] == "not_found"


def test_bob_cannot_delete_alices_document(
    alice: User, bob: User, library: dict[str, dict[str, Any]]
):
    # When Bob deletes Alice's document by its id
    reply = bob.api.delete(f"/documents/{library['docx']['documentId']}")

    # Then it is not found for him, and nothing of Alice's is touched
    assert reply.status == 404
    assert alice.api.get(f"/documents/{library['docx']['documentId']}").status == 200


def test_alices_conversation_is_not_found_for_bob(
    bob: User, conversation: dict[str, Any], vault_answer: dict[str, Any]
):
    path = f"/conversations/{conversation['conversationId']}"

    assert bob.api.get(path).status == 404
    assert bob.api.post(f"{path}/messages", {"question": "What did Alice ask?"}).status == 404
    assert bob.api.delete(path).status == 404


def test_bobs_question_is_not_answered_from_alices_documents(
    bob: User, library: dict[str, dict[str, Any]]
):
    # Given Bob asks Alice's question in his own conversation
    conversation = bob.api.post("/conversations", {"title": "Curious"}).json
    reply = bob.api.post(
        f"/conversations/{conversation['conversationId']}/messages", {"question": PDF_QUESTION}
    )

    # Then the answer cites nothing of Alice's and does not leak her combination
    assert reply.status == 200, reply.body
    alices = {library["pdf"]["documentId"], library["docx"]["documentId"]}
    assert not {c["documentId"] for c in reply.json["citations"]} & alices
    assert "7319" not in reply.json["answer"]


def test_bob_cannot_pin_alices_document_to_his_conversation(
    bob: User, library: dict[str, dict[str, Any]]
):
    # When Bob starts a conversation scoped to Alice's PDF
    reply = bob.api.post(
        "/conversations", {"title": "Sneaky", "documentIds": [library["pdf"]["documentId"]]}
    )

    # Then it is refused as a document he does not have
    assert reply.status == 404
    assert reply.json["error"]["code"] == "document_not_found"
