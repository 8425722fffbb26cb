"""The conversation routes through `lambda_handler`, offline provider."""

from __future__ import annotations

from typing import Any

import boto3

from handlers.core.contracts.layout import PARTITION_KEY, SORT_KEY, message_sk, user_pk
from handlers.core.documents.models import DocumentStatus
from tests.agent.conftest import CallAgent, Library
from tests.support.aws import REGION, TABLE
from tests.support.conversations import ask, ask_in, start_conversation
from tests.support.events import USER_A, USER_B

PAYMENT_TERMS = [
    (1, "Invoices are payable within thirty days of receipt. Late payments accrue interest."),
    (2, "The warranty covers manufacturing defects for two years from delivery."),
    (3, "Support is available on weekdays from nine to five by email and phone."),
]


def test_create_list_get_delete_conversation(call_agent: CallAgent) -> None:
    # Given a user who creates three conversations
    created = [
        call_agent("POST", "/conversations", body={"title": f"Chat {i}"}).body for i in range(3)
    ]
    assert created[0]["title"] == "Chat 0"
    assert created[0]["documentIds"] == []
    assert set(created[0]) == {"conversationId", "title", "documentIds", "createdAt", "updatedAt"}

    # When they list them two at a time
    first = call_agent("GET", "/conversations", query={"limit": "2"})
    second = call_agent(
        "GET", "/conversations", query={"limit": "2", "cursor": first.body["nextCursor"]}
    )

    # Then pages are newest first and the last page has no cursor
    assert first.status == 200
    ids = [c["conversationId"] for c in first.body["items"] + second.body["items"]]
    assert ids == [c["conversationId"] for c in reversed(created)]
    assert second.body["nextCursor"] is None

    # And one can be read and deleted; then it is gone
    conversation_id = created[1]["conversationId"]
    details = call_agent("GET", f"/conversations/{conversation_id}")
    assert details.status == 200
    assert details.body == {"conversation": created[1], "messages": [], "olderCursor": None}
    assert call_agent("DELETE", f"/conversations/{conversation_id}").status == 204
    assert call_agent("GET", f"/conversations/{conversation_id}").status == 404
    assert call_agent("DELETE", f"/conversations/{conversation_id}").status == 404


def test_default_title_and_document_scope_must_be_the_callers(
    call_agent: CallAgent, library: Library
) -> None:
    mine = library.add(USER_A, "terms.txt", PAYMENT_TERMS)
    theirs = library.add(USER_B, "secret.txt", ["Their secret plans."])

    ok = call_agent("POST", "/conversations", body={"documentIds": [mine, mine]})
    assert ok.status == 201
    assert ok.body["title"] == "New conversation"
    assert ok.body["documentIds"] == [mine]

    refused = call_agent("POST", "/conversations", body={"documentIds": [theirs]})
    assert refused.status == 404
    assert refused.body["error"]["code"] == "document_not_found"


def test_offline_answer_quotes_passages_with_citations_and_is_stored(
    call_agent: CallAgent, library: Library, table: Any
) -> None:
    # Given a READY document and a conversation over all documents
    document_id = library.add(USER_A, "terms.txt", PAYMENT_TERMS)

    # When a question is asked
    result, conversation = ask(call_agent, "How long is the warranty?")

    # Then the offline answer (labelled by its model, which the site shows once) quotes
    # the warranty sentence once, without quote-block markers, and cites page 2
    assert result.status == 200, result.body
    message = result.body
    assert message["model"] == "offline"
    sentence = "The warranty covers manufacturing defects for two years from delivery."
    assert message["answer"].count(sentence) == 1
    assert "Offline mode" not in message["answer"]
    assert "> " not in message["answer"]
    assert f"{sentence}\u201d [1]" in message["answer"]
    first = message["citations"][0]
    assert first["documentId"] == document_id
    assert first["documentName"] == "terms.txt"
    assert first["page"] == 2
    assert first["excerpt"] == sentence
    assert first["score"] > 0
    assert message["usage"] == {"promptTokens": 0, "completionTokens": 0}

    # And the message is stored with its citations, and the conversation was touched
    details = call_agent("GET", f"/conversations/{conversation['conversationId']}").body
    assert details["messages"] == [message]
    assert details["conversation"]["updatedAt"] >= conversation["updatedAt"]


def test_offline_answer_says_when_documents_do_not_contain_it(
    call_agent: CallAgent, library: Library
) -> None:
    library.add(USER_A, "terms.txt", PAYMENT_TERMS)
    result, _ = ask(call_agent, "Quelle est la capitale de l'Australie ?")
    assert result.status == 200
    assert "do not appear to contain the answer" in result.body["answer"]
    assert result.body["citations"] == []


def test_no_ready_documents_is_an_answer_not_an_error(
    call_agent: CallAgent, library: Library
) -> None:
    # Given only a PENDING document (and another user's READY one)
    library.add(USER_A, "pending.txt", [], status=DocumentStatus.PENDING)
    library.add(USER_B, "theirs.txt", PAYMENT_TERMS)

    result, _ = ask(call_agent, "How long is the warranty?")

    assert result.status == 200
    assert "no READY documents" in result.body["answer"]
    assert result.body["citations"] == []
    assert result.body["grounding"] == "not_found"


def test_a_message_stored_before_its_grounding_was_reads_as_found(
    call_agent: CallAgent, library: Library
) -> None:
    library.add(USER_A, "terms.txt", PAYMENT_TERMS)
    result, conversation = ask(call_agent, "Quelle est la capitale de l'Australie ?")
    assert result.body["grounding"] == "not_found"
    conversation_id = conversation["conversationId"]
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    table.update_item(
        Key={
            PARTITION_KEY: user_pk(USER_A),
            SORT_KEY: message_sk(conversation_id, result.body["messageId"]),
        },
        UpdateExpression="REMOVE grounding",
    )

    stored = call_agent("GET", f"/conversations/{conversation_id}")

    assert stored.status == 200, stored.body
    assert stored.body["messages"][0]["grounding"] == "found"


def test_conversation_scope_limits_the_documents_searched(
    call_agent: CallAgent, library: Library
) -> None:
    terms = library.add(USER_A, "terms.txt", PAYMENT_TERMS)
    library.add(USER_A, "other.txt", ["The warranty of the other product lasts five years."])
    result, _ = ask(call_agent, "warranty years", document_ids=[terms])
    assert result.status == 200
    assert {c["documentId"] for c in result.body["citations"]} == {terms}


def test_bad_questions_are_400(call_agent: CallAgent) -> None:
    conversation = start_conversation(call_agent)
    path = f"/conversations/{conversation['conversationId']}/messages"
    for body in ({"question": ""}, {"question": "   "}, {"question": "x" * 4001}, {}, "not json"):
        result = call_agent("POST", path, body=body)
        assert result.status == 400, body
        assert result.body["error"]["code"] == "invalid_request"


def test_unknown_and_other_users_conversations_are_404(
    call_agent: CallAgent, library: Library, table: Any
) -> None:
    # Given user B's conversation with a stored message
    library.add(USER_B, "b.txt", PAYMENT_TERMS)
    asked, conversation = ask(call_agent, "warranty", user=USER_B)
    theirs = conversation["conversationId"]
    assert asked.status == 200

    # When user A reads, asks in, or deletes it, or uses an unknown or malformed id
    for method, path, body in (
        ("GET", f"/conversations/{theirs}", None),
        ("POST", f"/conversations/{theirs}/messages", {"question": "warranty"}),
        ("DELETE", f"/conversations/{theirs}", None),
        ("GET", "/conversations/01JAAAAAAAAAAAAAAAAAAAAAAA", None),
        ("GET", "/conversations/not-an-id", None),
    ):
        result = call_agent(method, path, user=USER_A, body=body)
        # Then it is 404, never 403, and nothing of B's leaks
        assert result.status == 404, (method, path)
        assert result.body["error"]["code"] == "not_found"

    # And B's conversation is intact
    assert len(call_agent("GET", f"/conversations/{theirs}", user=USER_B).body["messages"]) == 1
    # And A's list is empty
    assert call_agent("GET", "/conversations", user=USER_A).body["items"] == []
    # And nothing was written to A's partition
    items = table.query(
        KeyConditionExpression=f"{PARTITION_KEY} = :pk",
        ExpressionAttributeValues={":pk": user_pk(USER_A)},
    )["Items"]
    assert items == []


def test_missing_claims_are_401(call_agent: CallAgent) -> None:
    result = call_agent("GET", "/conversations", user=None)
    assert result.status == 401
    assert result.body == {"error": {"code": "unauthorized", "message": "Sign in to use this API."}}


def test_deleting_a_conversation_deletes_its_messages(
    call_agent: CallAgent, library: Library, table: Any
) -> None:
    library.add(USER_A, "terms.txt", PAYMENT_TERMS)
    conversation_id = start_conversation(call_agent)["conversationId"]
    for question in ("warranty", "invoices", "support"):
        ask_in(call_agent, conversation_id, question)

    assert call_agent("DELETE", f"/conversations/{conversation_id}").status == 204

    items = table.query(
        KeyConditionExpression=f"{PARTITION_KEY} = :pk",
        ExpressionAttributeValues={":pk": user_pk(USER_A)},
    )["Items"]
    assert {item["SK"].split("#")[0] for item in items} == {"DOC", "QUOTA"}
