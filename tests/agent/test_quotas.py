"""Per-user daily limits: atomic counters with a TTL, 429 with Retry-After until midnight."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from handlers.core.contracts.layout import SORT_KEY, TTL_ATTRIBUTE, quota_sk, user_pk
from handlers.core.conversations.quotas import (
    DailyQuota,
    QuotaExceededError,
    seconds_until_midnight,
)
from tests.agent.conftest import CallAgent, ConfigureAgent, Library
from tests.agent.fake_openai import FakeOpenAI, answer_message
from tests.support.conversations import ask_in, start_conversation
from tests.support.events import USER_A, USER_B

NOON = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)


def test_seconds_until_midnight() -> None:
    assert seconds_until_midnight(NOON) == 12 * 3600
    assert seconds_until_midnight(datetime(2026, 11, 26, 23, 59, 59, 500000, tzinfo=UTC)) == 1


def test_question_limit_is_per_user_and_per_day(table: Any) -> None:
    quota = DailyQuota(table, question_limit=2, token_limit=1000)
    quota.reserve_question(USER_A, NOON)
    quota.reserve_question(USER_A, NOON)
    with pytest.raises(QuotaExceededError) as raised:
        quota.reserve_question(USER_A, NOON)
    assert raised.value.status == 429
    assert raised.value.headers == {"Retry-After": str(12 * 3600)}
    # another user, and the next day, start from zero
    quota.reserve_question(USER_B, NOON)
    quota.reserve_question(USER_A, datetime(2026, 11, 27, 0, 0, 1, tzinfo=UTC))
    assert quota.usage(USER_A, NOON) == (2, 0)


def test_token_limit_refuses_the_next_question_and_items_expire(table: Any) -> None:
    quota = DailyQuota(table, question_limit=10, token_limit=1000)
    quota.reserve_question(USER_A, NOON)
    quota.add_tokens(USER_A, 1200, NOON)
    with pytest.raises(QuotaExceededError):
        quota.reserve_question(USER_A, NOON)
    item = table.get_item(Key={"PK": user_pk(USER_A), SORT_KEY: quota_sk("2026-11-26")})["Item"]
    assert int(item[TTL_ATTRIBUTE]) == int(NOON.timestamp()) + 2 * 24 * 3600
    assert (int(item["questions"]), int(item["tokens"])) == (1, 1200)


def test_released_question_can_be_asked_again(table: Any) -> None:
    quota = DailyQuota(table, question_limit=1, token_limit=1000)
    quota.reserve_question(USER_A, NOON)
    quota.release_question(USER_A, NOON)
    quota.reserve_question(USER_A, NOON)
    assert quota.usage(USER_A, NOON) == (1, 0)


def test_exhausted_quota_is_429_through_the_api(
    call_agent: CallAgent, library: Library, configure_agent: ConfigureAgent
) -> None:
    # Given a limit of two questions a day
    configure_agent(DAILY_QUESTION_LIMIT="2")
    library.add(USER_A, "terms.txt", ["The warranty covers two years."])
    conversation_id = start_conversation(call_agent)["conversationId"]

    statuses = [ask_in(call_agent, conversation_id, "warranty").status for _ in range(2)]
    refused = ask_in(call_agent, conversation_id, "warranty")

    assert statuses == [200, 200]
    assert refused.status == 429
    assert refused.body["error"]["code"] == "quota_exceeded"
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    # the refused question was not stored
    assert len(call_agent("GET", f"/conversations/{conversation_id}").body["messages"]) == 2


def test_token_usage_counts_against_the_daily_token_limit(
    use_openai: FakeOpenAI,
    call_agent: CallAgent,
    library: Library,
    configure_agent: ConfigureAgent,
) -> None:
    # Given a 150-token limit and a model that spends 120 tokens per request
    configure_agent(DAILY_TOKEN_LIMIT="150")
    library.add(USER_A, "terms.txt", ["The warranty covers two years."])
    use_openai.chat_replies.extend([answer_message("Two years.")] * 3)
    conversation_id = start_conversation(call_agent)["conversationId"]

    first, second, third = (ask_in(call_agent, conversation_id, "warranty") for _ in range(3))

    # 120 < 150: the second is allowed; 240 >= 150: the third is refused
    assert (first.status, second.status, third.status) == (200, 200, 429)
    assert len(use_openai.calls("/v1/chat/completions")) == 2


def test_a_question_that_fails_unexpectedly_is_given_back(
    call_agent: CallAgent,
    library: Library,
    table: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a question whose answering breaks after the quota was reserved (not an LLM error)
    from handlers.core.conversations.table import ConversationTable

    library.add(USER_A, "terms.txt", ["The warranty covers two years."])
    conversation_id = start_conversation(call_agent)["conversationId"]

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("history unavailable")

    monkeypatch.setattr(ConversationTable, "recent_messages", broken)

    # When it is asked
    result = ask_in(call_agent, conversation_id, "warranty")

    # Then it is a 500, and the question does not count against today's limit
    assert result.status == 500
    assert result.body["error"]["code"] == "internal_error"
    quota = DailyQuota(table, question_limit=50, token_limit=100000)
    assert quota.usage(USER_A, datetime.now(UTC)) == (0, 0)
