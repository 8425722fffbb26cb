"""Document items in the single table (`USER#{user}` / `DOC#{id}`), behind one small class.

Status changes made by the ingest worker are conditional on the item still being
PENDING, so a duplicate SQS delivery or a delete racing with ingestion never resurrects
or overwrites a finished document.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from handlers.core.clock import to_iso
from handlers.core.contracts.layout import (
    DOCUMENT_PREFIX,
    PARTITION_KEY,
    SORT_KEY,
    document_sk,
    user_pk,
)
from handlers.core.documents.models import DocumentRecord, DocumentStatus
from handlers.core.table_pages import newest_first_page

ENTITY = "document"


def _is_conditional_failure(exc: ClientError) -> bool:
    return bool(exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


def _real_size(size: int | None) -> dict[str, int]:
    return {} if size is None else {"size": size}


class DocumentTable:
    """Data access for document items. `table` is a boto3 `dynamodb.Table` resource."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def put_new(self, record: DocumentRecord) -> None:
        item = record.model_dump(mode="json", by_alias=True, exclude_none=True)
        item.update(
            {
                PARTITION_KEY: user_pk(record.user_id),
                SORT_KEY: document_sk(record.document_id),
                "entity": ENTITY,
            }
        )
        self._table.put_item(Item=item, ConditionExpression=Attr(PARTITION_KEY).not_exists())

    def get(self, user_id: str, document_id: str) -> DocumentRecord | None:
        response = self._table.get_item(
            Key={PARTITION_KEY: user_pk(user_id), SORT_KEY: document_sk(document_id)},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return DocumentRecord.model_validate(item) if item else None

    def list_page(
        self, user_id: str, *, limit: int, cursor: str | None = None
    ) -> tuple[list[DocumentRecord], str | None]:
        """One page of the user's documents, newest first, and the cursor of the next page."""
        items, next_cursor = newest_first_page(
            self._table, user_id, DOCUMENT_PREFIX, limit=limit, cursor=cursor
        )
        return [DocumentRecord.model_validate(item) for item in items], next_cursor

    def iter_all(self, user_id: str) -> Iterator[DocumentRecord]:
        """Every document of the user, newest first."""
        query: dict[str, Any] = {
            "KeyConditionExpression": Key(PARTITION_KEY).eq(user_pk(user_id))
            & Key(SORT_KEY).begins_with(DOCUMENT_PREFIX),
            "ScanIndexForward": False,
        }
        while True:
            response = self._table.query(**query)
            for item in response.get("Items", []):
                yield DocumentRecord.model_validate(item)
            last_key = response.get("LastEvaluatedKey")
            if not last_key:
                return
            query["ExclusiveStartKey"] = last_key

    def list_ready(self, user_id: str) -> list[DocumentRecord]:
        """The user's READY documents (what retrieval searches), newest first."""
        return [doc for doc in self.iter_all(user_id) if doc.status is DocumentStatus.READY]

    def mark_ready(
        self,
        user_id: str,
        document_id: str,
        *,
        pages: int,
        chunks: int,
        characters: int,
        embedding_model: str,
        embedding_dimensions: int,
        derived_format: int,
        now: datetime,
        size: int | None = None,
        reindexed: bool = False,
    ) -> bool:
        """PENDING → READY (READY → READY when `reindexed`: its derived files were
        rewritten in `derived_format`); False when the item is gone or was not in the
        expected status.

        `size`: the stored object's real size, replacing the one declared at upload.
        """
        return self._finish(
            user_id,
            document_id,
            {
                "status": DocumentStatus.READY.value,
                "pages": pages,
                "chunks": chunks,
                "characters": characters,
                "embeddingModel": embedding_model,
                "embeddingDimensions": embedding_dimensions,
                "derivedFormat": derived_format,
                "updatedAt": to_iso(now),
                **_real_size(size),
            },
            expected=DocumentStatus.READY if reindexed else DocumentStatus.PENDING,
        )

    def mark_failed(
        self,
        user_id: str,
        document_id: str,
        *,
        reason: str,
        now: datetime,
        size: int | None = None,
    ) -> bool:
        """PENDING → FAILED with a user-readable reason; False when not PENDING any more."""
        return self._finish(
            user_id,
            document_id,
            {
                "status": DocumentStatus.FAILED.value,
                "failureReason": reason,
                "updatedAt": to_iso(now),
                **_real_size(size),
            },
        )

    def delete(self, user_id: str, document_id: str) -> None:
        self._table.delete_item(
            Key={PARTITION_KEY: user_pk(user_id), SORT_KEY: document_sk(document_id)}
        )

    def _finish(
        self,
        user_id: str,
        document_id: str,
        values: dict[str, Any],
        *,
        expected: DocumentStatus = DocumentStatus.PENDING,
    ) -> bool:
        names = {f"#{i}": name for i, name in enumerate(values)}
        update = ", ".join(f"#{i} = :{i}" for i in range(len(values)))
        attribute_values = {f":{i}": value for i, value in enumerate(values.values())}
        attribute_values[":pending"] = expected.value
        names["#status_now"] = "status"
        try:
            self._table.update_item(
                Key={PARTITION_KEY: user_pk(user_id), SORT_KEY: document_sk(document_id)},
                UpdateExpression=f"SET {update}",
                ConditionExpression=f"attribute_exists({PARTITION_KEY}) AND #status_now = :pending",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=attribute_values,
            )
        except ClientError as exc:
            if _is_conditional_failure(exc):
                return False
            raise
        return True
