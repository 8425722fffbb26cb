"""Bounds on growth: a conversation shows its latest messages and pages back to the rest,
holds at most MAX_CONVERSATION_MESSAGES, and every question counts against the quota."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from handlers.core.contracts.layout import PARTITION_KEY, SORT_KEY, conversation_sk, user_pk
from handlers.core.conversations.models import (
    LATEST_MESSAGES,
    MAX_CONVERSATION_MESSAGES,
    Message,
    Usage,
)
from handlers.core.conversations.quotas import DailyQuota
from handlers.core.conversations.table import (
    MESSAGE_COUNT,
    ConversationFullError,
    ConversationTable,
)
from handlers.core.ids import new_id
from tests.agent.conftest import CallAgent, ConfigureAgent
from tests.support.conversations import ask_in, start_conversation
from tests.support.events import USER_A, USER_B

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def seed_messages(table: Any, conversation_id: str, count: int) -> list[str]:
    """`count` stored messages, one second apart; returns their ids, oldest first."""
    conversations = ConversationTable(table)
    ids = []
    for index in range(count):
        at = START + timedelta(seconds=index)
        message = Message(
            message_id=new_id(int(at.timestamp() * 1000)),
            question=f"question {index}",
            answer=f"answer {index}",
            citations=[],
            usage=Usage(),
            model="offline",
            created_at=at,
        )
        conversations.add_message(
            USER_A, conversation_id, message, now=at, max_messages=MAX_CONVERSATION_MESSAGES
        )
        ids.append(message.message_id)
    return ids


def test_a_conversation_returns_its_latest_messages_and_pages_back_to_the_rest(
    call_agent: CallAgent, table: Any
) -> None:
    # Given a conversation with 123 messages
    conversation_id = start_conversation(call_agent)["conversationId"]
    ids = seed_messages(table, conversation_id, 123)

    # When it is read
    details = call_agent("GET", f"/conversations/{conversation_id}")

    # Then it holds the latest 50, oldest first, and a cursor to older ones
    assert details.status == 200
    assert [m["messageId"] for m in details.body["messages"]] == ids[-LATEST_MESSAGES:]
    assert details.body["olderCursor"]

    # And paging back with the cursor returns every older message once, in order
    seen: list[str] = []
    cursor = details.body["olderCursor"]
    while cursor:
        page = call_agent(
            "GET",
            f"/conversations/{conversation_id}/messages",
            query={"cursor": cursor, "limit": "30"},
        )
        assert page.status == 200, page.body
        assert len(page.body["items"]) <= 30
        seen = [m["messageId"] for m in page.body["items"]] + seen
        cursor = page.body["nextCursor"]
    assert seen == ids[:-LATEST_MESSAGES]


def test_the_messages_route_without_a_cursor_is_the_latest_page(
    call_agent: CallAgent, table: Any
) -> None:
    conversation_id = start_conversation(call_agent)["conversationId"]
    ids = seed_messages(table, conversation_id, 3)

    page = call_agent("GET", f"/conversations/{conversation_id}/messages", query={"limit": "2"})
    short = call_agent("GET", f"/conversations/{conversation_id}")

    assert [m["messageId"] for m in page.body["items"]] == ids[1:]
    older = call_agent(
        "GET",
        f"/conversations/{conversation_id}/messages",
        query={"cursor": page.body["nextCursor"]},
    )
    assert [m["messageId"] for m in older.body["items"]] == ids[:1]
    assert older.body["nextCursor"] is None
    assert short.body["olderCursor"] is None


def test_paging_refuses_bad_cursors_and_limits_and_other_users(call_agent: CallAgent) -> None:
    conversation_id = start_conversation(call_agent)["conversationId"]
    path = f"/conversations/{conversation_id}/messages"

    assert call_agent("GET", path, query={"cursor": "not-a-cursor"}).status == 400
    assert call_agent("GET", path, query={"limit": "0"}).status == 400
    assert call_agent("GET", path, query={"limit": "101"}).status == 400
    assert call_agent("GET", path, user=USER_B).status == 404


def test_a_full_conversation_refuses_the_next_question_with_409(
    call_agent: CallAgent, table: Any, configure_agent: ConfigureAgent
) -> None:
    # Given a conversation one message short of the limit
    conversation_id = start_conversation(call_agent)["conversationId"]
    key = {PARTITION_KEY: user_pk(USER_A), SORT_KEY: conversation_sk(conversation_id)}
    table.update_item(
        Key=key,
        UpdateExpression="SET #c = :c",
        ExpressionAttributeNames={"#c": MESSAGE_COUNT},
        ExpressionAttributeValues={":c": MAX_CONVERSATION_MESSAGES - 1},
    )

    # When two more questions are asked
    last = ask_in(call_agent, conversation_id, "one more")
    refused = ask_in(call_agent, conversation_id, "and another")

    # Then the last one fits, the next is a 409 saying to start a new conversation
    assert last.status == 200, last.body
    assert refused.status == 409
    assert refused.body["error"]["code"] == "conversation_full"
    assert "new conversation" in refused.body["error"]["message"]
    # and the refused question neither counted nor was stored
    quota = DailyQuota(table, question_limit=50, token_limit=100000)
    assert quota.usage(USER_A, datetime.now(UTC))[0] == 1
    assert table.get_item(Key=key)["Item"][MESSAGE_COUNT] == MAX_CONVERSATION_MESSAGES


def test_the_table_refuses_a_message_past_the_limit_atomically(
    call_agent: CallAgent, table: Any
) -> None:
    # The transaction's condition holds even when two requests pass the service's check
    conversation_id = start_conversation(call_agent)["conversationId"]
    seed_messages(table, conversation_id, 2)
    message = Message(
        message_id=new_id(),
        question="q",
        answer="a",
        citations=[],
        usage=Usage(),
        model="offline",
        created_at=START,
    )

    with pytest.raises(ConversationFullError):
        ConversationTable(table).add_message(
            USER_A, conversation_id, message, now=START, max_messages=2
        )


def test_questions_with_no_documents_count_against_the_daily_quota(
    call_agent: CallAgent, configure_agent: ConfigureAgent, table: Any
) -> None:
    # Given a limit of two questions a day and no documents at all
    configure_agent(DAILY_QUESTION_LIMIT="2")
    conversation_id = start_conversation(call_agent)["conversationId"]

    statuses = [ask_in(call_agent, conversation_id, "anything?").status for _ in range(3)]

    # Then the third is refused like any other question over the limit
    assert statuses == [200, 200, 429]
    quota = DailyQuota(table, question_limit=2, token_limit=100000)
    assert quota.usage(USER_A, datetime.now(UTC)) == (2, 0)
