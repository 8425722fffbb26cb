"""One page of a user's items under a sort-key prefix, newest first, with an opaque cursor.

Documents, conversations and a conversation's messages are paged the same way: a reverse
Query of the caller's partition (ids are time-ordered, so the sort key orders items by
creation), one item more than the page to tell whether a next page exists without an
empty last page, and a cursor naming the last id returned (`http/cursors.py`). The
partition always comes from the caller's identity, so a forged cursor reaches no one else.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key

from handlers.core.contracts.layout import PARTITION_KEY, SORT_KEY, user_pk
from handlers.core.http.cursors import decode_cursor, encode_cursor


def newest_first_page(
    table: Any,
    user_id: str,
    sort_key_prefix: str,
    *,
    limit: int,
    cursor: str | None = None,
    consistent_read: bool = False,
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to `limit` items whose sort key is `sort_key_prefix` + an id, newest first, after
    the cursor's id when there is one; and the cursor of the next page (None at the end).

    `table` is a boto3 `dynamodb.Table` resource.
    """
    partition = user_pk(user_id)
    query: dict[str, Any] = {
        "KeyConditionExpression": Key(PARTITION_KEY).eq(partition)
        & Key(SORT_KEY).begins_with(sort_key_prefix),
        "ScanIndexForward": False,
        "Limit": limit + 1,
    }
    if consistent_read:
        query["ConsistentRead"] = True
    if cursor is not None:
        query["ExclusiveStartKey"] = {
            PARTITION_KEY: partition,
            SORT_KEY: f"{sort_key_prefix}{decode_cursor(cursor)}",
        }
    items: list[dict[str, Any]] = table.query(**query).get("Items", [])
    page = items[:limit]
    if len(items) <= limit:
        return page, None
    return page, encode_cursor(str(page[-1][SORT_KEY]).removeprefix(sort_key_prefix))
