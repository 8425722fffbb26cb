"""Conversation and message items in the single table, behind one small class.

`USER#{user}` / `CONV#{id}` holds a conversation, `USER#{user}` / `MSG#{conv}#{msg}` each
of its messages (time-ordered ids: the sort key orders them). A message — question,
answer, citations and usage together — is written once, in the same transaction as the
conversation's `updatedAt` and `messageCount`, and only while the conversation exists and
holds fewer than the maximum: nothing half-written, no conversation past its limit.
Messages are read a page at a time, newest first from the key, handed out oldest first.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from handlers.core.clock import to_iso
from handlers.core.contracts.layout import (
    CONVERSATION_PREFIX,
    PARTITION_KEY,
    SORT_KEY,
    conversation_sk,
    message_sk,
    message_sk_prefix,
    user_pk,
)
from handlers.core.conversations.feedback_models import Feedback
from handlers.core.conversations.models import MAX_CONVERSATION_MESSAGES, Conversation, Message
from handlers.core.http.errors import ConflictError, NotFoundError
from handlers.core.table_pages import newest_first_page

CONVERSATION_ENTITY = "conversation"
MESSAGE_ENTITY = "message"
MESSAGE_COUNT = "messageCount"
"""On the conversation item, added to with each message: what the length limit checks."""


class ConversationFullError(ConflictError):
    code = "conversation_full"

    def __init__(self, max_messages: int) -> None:
        super().__init__(
            f"This conversation has reached its limit of {max_messages} messages. "
            "Start a new conversation to ask more."
        )


def _to_item(model: Conversation | Message) -> dict[str, Any]:
    # DynamoDB numbers are Decimals; floats (citation scores) go through their text.
    item: dict[str, Any] = _decimals(
        model.model_dump(mode="json", by_alias=True, exclude_none=True)
    )
    return item


def _decimals(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    return value


class ConversationTable:
    """Data access for conversations. `table` is a boto3 `dynamodb.Table` resource."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def put_new(self, user_id: str, conversation: Conversation) -> None:
        item = _to_item(conversation)
        item.update(
            {
                PARTITION_KEY: user_pk(user_id),
                SORT_KEY: conversation_sk(conversation.conversation_id),
                "entity": CONVERSATION_ENTITY,
            }
        )
        self._table.put_item(Item=item, ConditionExpression=Attr(PARTITION_KEY).not_exists())

    def get(self, user_id: str, conversation_id: str) -> Conversation | None:
        response = self._table.get_item(
            Key={PARTITION_KEY: user_pk(user_id), SORT_KEY: conversation_sk(conversation_id)},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return Conversation.model_validate(item) if item else None

    def list_page(
        self, user_id: str, *, limit: int, cursor: str | None = None
    ) -> tuple[list[Conversation], str | None]:
        """One page of the user's conversations, newest first, and the next page's cursor."""
        items, next_cursor = newest_first_page(
            self._table, user_id, CONVERSATION_PREFIX, limit=limit, cursor=cursor
        )
        return [Conversation.model_validate(item) for item in items], next_cursor

    def recent_messages(self, user_id: str, conversation_id: str, limit: int) -> list[Message]:
        """The last `limit` messages, oldest first."""
        return self.message_page(user_id, conversation_id, limit=limit)[0]

    def message_page(
        self, user_id: str, conversation_id: str, *, limit: int, cursor: str | None = None
    ) -> tuple[list[Message], str | None]:
        """Up to `limit` messages before the cursor's (the latest without one), oldest
        first, and the cursor of the page before them (None when there is none)."""
        items, older = newest_first_page(
            self._table,
            user_id,
            message_sk_prefix(conversation_id),
            limit=limit,
            cursor=cursor,
            consistent_read=True,
        )
        newest_first = [Message.model_validate(item) for item in items]
        return list(reversed(newest_first)), older

    def message_count(self, user_id: str, conversation_id: str) -> int:
        """Messages counted on the conversation (0 for one stored before the count)."""
        item = self._table.get_item(
            Key={PARTITION_KEY: user_pk(user_id), SORT_KEY: conversation_sk(conversation_id)},
            ProjectionExpression=MESSAGE_COUNT,
            ConsistentRead=True,
        ).get("Item")
        return int((item or {}).get(MESSAGE_COUNT, 0))

    def add_message(
        self,
        user_id: str,
        conversation_id: str,
        message: Message,
        *,
        now: datetime,
        max_messages: int = MAX_CONVERSATION_MESSAGES,
    ) -> None:
        """Store the message, count it and touch the conversation, atomically. NotFoundError
        when the conversation is gone, ConversationFullError when it holds `max_messages`."""
        item = _to_item(message)
        item.update(
            {
                PARTITION_KEY: user_pk(user_id),
                SORT_KEY: message_sk(conversation_id, message.message_id),
                "entity": MESSAGE_ENTITY,
                "conversationId": conversation_id,
            }
        )
        conversation_key = {
            PARTITION_KEY: user_pk(user_id),
            SORT_KEY: conversation_sk(conversation_id),
        }
        try:
            # The resource's client takes plain Python values, like the Table calls.
            self._table.meta.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table.name,
                            "Item": item,
                            "ConditionExpression": f"attribute_not_exists({PARTITION_KEY})",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table.name,
                            "Key": conversation_key,
                            "UpdateExpression": "SET updatedAt = :now ADD #count :one",
                            "ConditionExpression": (
                                f"attribute_exists({PARTITION_KEY}) AND "
                                "(attribute_not_exists(#count) OR #count < :max)"
                            ),
                            "ExpressionAttributeNames": {"#count": MESSAGE_COUNT},
                            "ExpressionAttributeValues": {
                                ":now": to_iso(now),
                                ":one": 1,
                                ":max": max_messages,
                            },
                        }
                    },
                ]
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            if self.get(user_id, conversation_id) is None:
                raise NotFoundError("Conversation not found.") from exc
            raise ConversationFullError(max_messages) from exc

    def get_message(self, user_id: str, conversation_id: str, message_id: str) -> Message | None:
        response = self._table.get_item(
            Key={
                PARTITION_KEY: user_pk(user_id),
                SORT_KEY: message_sk(conversation_id, message_id),
            },
            ConsistentRead=True,
        )
        item = response.get("Item")
        return Message.model_validate(item) if item else None

    def set_feedback(
        self, user_id: str, conversation_id: str, message_id: str, feedback: Feedback
    ) -> None:
        """Replace the message's feedback; 404 if the message is gone (deleted meanwhile)."""
        value = _decimals(feedback.model_dump(mode="json", by_alias=True, exclude_none=True))
        try:
            self._table.update_item(
                Key={
                    PARTITION_KEY: user_pk(user_id),
                    SORT_KEY: message_sk(conversation_id, message_id),
                },
                UpdateExpression="SET feedback = :feedback",
                ConditionExpression=Attr(PARTITION_KEY).exists(),
                ExpressionAttributeValues={":feedback": value},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise NotFoundError("Message not found.") from exc
            raise

    def delete(self, user_id: str, conversation_id: str) -> None:
        """The conversation first (it disappears at once), then its messages; idempotent."""
        self._table.delete_item(
            Key={PARTITION_KEY: user_pk(user_id), SORT_KEY: conversation_sk(conversation_id)}
        )
        with self._table.batch_writer() as batch:
            for item in self._message_items(user_id, conversation_id, keys_only=True):
                batch.delete_item(
                    Key={PARTITION_KEY: item[PARTITION_KEY], SORT_KEY: item[SORT_KEY]}
                )

    def _message_items(
        self, user_id: str, conversation_id: str, *, keys_only: bool = False
    ) -> Iterator[dict[str, Any]]:
        query: dict[str, Any] = {
            "KeyConditionExpression": Key(PARTITION_KEY).eq(user_pk(user_id))
            & Key(SORT_KEY).begins_with(message_sk_prefix(conversation_id)),
            "ScanIndexForward": True,
            "ConsistentRead": True,
        }
        if keys_only:
            query["ProjectionExpression"] = f"{PARTITION_KEY}, {SORT_KEY}"
        while True:
            response = self._table.query(**query)
            yield from response.get("Items", [])
            last_key = response.get("LastEvaluatedKey")
            if not last_key:
                return
            query["ExclusiveStartKey"] = last_key
