"""Per-user daily limits on questions and LLM tokens.

One counter item per user and UTC day (`USER#{user}` / `QUOTA#{day}`) that expires two
days later through the table's TTL. A question is reserved with one conditional
`UpdateItem` (ADD + condition), so concurrent requests cannot overshoot the question
limit; tokens are added after the answer, when they are known, and a day whose tokens
are used up refuses further questions. A refused question gets 429 with `Retry-After`
set to the seconds left until UTC midnight, when the next day's counter starts at zero.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from handlers.core.contracts.layout import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, quota_sk, user_pk
from handlers.core.http.errors import TooManyRequestsError

QUOTA_TTL = timedelta(days=2)


class QuotaExceededError(TooManyRequestsError):
    code = "quota_exceeded"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after_seconds)})
        self.retry_after_seconds = retry_after_seconds


def seconds_until_midnight(now: datetime) -> int:
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds() + 0.999))


class DailyQuota:
    """`table` is a boto3 `dynamodb.Table` resource; `now` must be timezone-aware UTC."""

    def __init__(self, table: Any, *, question_limit: int, token_limit: int) -> None:
        self._table = table
        self._question_limit = question_limit
        self._token_limit = token_limit

    def reserve_question(self, user_id: str, now: datetime) -> None:
        """Count one question, or raise QuotaExceededError when today's limits are reached."""
        try:
            self._table.update_item(
                Key=self._key(user_id, now),
                UpdateExpression="SET #ttl = if_not_exists(#ttl, :ttl) ADD questions :one",
                ConditionExpression=(
                    "(attribute_not_exists(questions) OR questions < :questions) AND "
                    "(attribute_not_exists(tokens) OR tokens < :tokens)"
                ),
                ExpressionAttributeNames={"#ttl": TTL_ATTRIBUTE},
                ExpressionAttributeValues={
                    ":one": 1,
                    ":ttl": self._expires_at(now),
                    ":questions": self._question_limit,
                    ":tokens": self._token_limit,
                },
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            raise QuotaExceededError(
                "You have reached today's limit of questions or tokens. It resets at midnight UTC.",
                retry_after_seconds=seconds_until_midnight(now),
            ) from exc

    def release_question(self, user_id: str, now: datetime) -> None:
        """Give back a reserved question that could not be answered (provider down)."""
        self._add(user_id, now, "questions", -1)

    def add_tokens(self, user_id: str, tokens: int, now: datetime) -> None:
        if tokens > 0:
            self._add(user_id, now, "tokens", tokens)

    def usage(self, user_id: str, now: datetime) -> tuple[int, int]:
        """(questions, tokens) counted today."""
        item = self._table.get_item(Key=self._key(user_id, now), ConsistentRead=True).get("Item")
        if not item:
            return 0, 0
        return int(item.get("questions", 0)), int(item.get("tokens", 0))

    def _add(self, user_id: str, now: datetime, counter: str, amount: int) -> None:
        self._table.update_item(
            Key=self._key(user_id, now),
            UpdateExpression="SET #ttl = if_not_exists(#ttl, :ttl) ADD #counter :amount",
            ExpressionAttributeNames={"#ttl": TTL_ATTRIBUTE, "#counter": counter},
            ExpressionAttributeValues={":amount": amount, ":ttl": self._expires_at(now)},
        )

    @staticmethod
    def _key(user_id: str, now: datetime) -> dict[str, str]:
        return {
            PARTITION_KEY: user_pk(user_id),
            SORT_KEY: quota_sk(now.astimezone(UTC).date().isoformat()),
        }

    @staticmethod
    def _expires_at(now: datetime) -> int:
        return int((now + QUOTA_TTL).timestamp())
