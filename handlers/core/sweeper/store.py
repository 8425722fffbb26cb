"""The sweeper's reads and writes: PENDING document items, raw objects, the ingest queue.

Finding PENDING documents is a Scan with a filter: items live in their users' partitions
and no index lists them by status. A Scan reads the whole table (0.5 read units per 4 KB,
eventually consistent), which is cheap at this product's size and runs every few minutes;
past a few GB, a sparse GSI on PENDING items is the next step (docs/operations.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from handlers.core.clock import to_iso
from handlers.core.contracts.layout import PARTITION_KEY, SORT_KEY, document_sk, user_pk
from handlers.core.documents.models import DocumentStatus
from handlers.core.sweeper.rules import PendingDocument

REQUEUES_ATTRIBUTE = "sweepRequeues"
SWEPT_AT_ATTRIBUTE = "sweptAt"
_PROJECTION = (
    "userId",
    "documentId",
    "rawKey",
    "createdAt",
    REQUEUES_ATTRIBUTE,
    SWEPT_AT_ATTRIBUTE,
)


def _conditional_failure(exc: ClientError) -> bool:
    return bool(exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class PendingDocuments:
    """`table` is a boto3 `dynamodb.Table` resource."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def created_before(self, cutoff: datetime) -> Iterator[PendingDocument]:
        """Every PENDING document created before `cutoff`, in no particular order."""
        names = {f"#p{i}": name for i, name in enumerate(_PROJECTION)}
        scan: dict[str, Any] = {
            "FilterExpression": Attr("entity").eq("document")
            & Attr("status").eq(DocumentStatus.PENDING.value)
            & Attr("createdAt").lt(to_iso(cutoff)),
            "ProjectionExpression": ", ".join(names),
            "ExpressionAttributeNames": names,
        }
        while True:
            response = self._table.scan(**scan)
            for item in response.get("Items", []):
                yield PendingDocument(
                    user_id=str(item["userId"]),
                    document_id=str(item["documentId"]),
                    raw_key=str(item["rawKey"]),
                    created_at=_parse_time(str(item["createdAt"])),
                    requeues=int(item.get(REQUEUES_ATTRIBUTE, 0)),
                    swept_at=_parse_time(str(item[SWEPT_AT_ATTRIBUTE]))
                    if SWEPT_AT_ATTRIBUTE in item
                    else None,
                )
            last_key = response.get("LastEvaluatedKey")
            if not last_key:
                return
            scan["ExclusiveStartKey"] = last_key

    def record_requeue(self, document: PendingDocument, now: datetime) -> bool:
        """Count one more re-enqueue; False when the document left PENDING or another sweep
        counted it first (the count is compared, so two sweeps never both count it)."""
        key = {
            PARTITION_KEY: user_pk(document.user_id),
            SORT_KEY: document_sk(document.document_id),
        }
        condition = "#status = :pending AND "
        condition += (
            f"{REQUEUES_ATTRIBUTE} = :seen"
            if document.requeues
            else f"attribute_not_exists({REQUEUES_ATTRIBUTE})"
        )
        values: dict[str, Any] = {
            ":pending": DocumentStatus.PENDING.value,
            ":next": document.requeues + 1,
            ":now": to_iso(now),
        }
        if document.requeues:
            values[":seen"] = document.requeues
        try:
            self._table.update_item(
                Key=key,
                UpdateExpression=(
                    f"SET {REQUEUES_ATTRIBUTE} = :next, {SWEPT_AT_ATTRIBUTE} = :now, "
                    "updatedAt = :now"
                ),
                ConditionExpression=condition,
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if _conditional_failure(exc):
                return False
            raise
        return True


class RawObjects:
    """`s3` is a boto3 S3 client."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self.bucket = bucket

    def size_of(self, key: str) -> int | None:
        """The raw object's size, or None when it does not exist."""
        entry = self._entry(key)
        return int(entry["Size"]) if entry else None

    def uploaded_at(self, key: str) -> datetime | None:
        """The raw object's LastModified, or None when it does not exist.

        A listing rather than HeadObject: with ListBucket allowed only under `raw/`, a
        HeadObject of a missing key is a 403 rather than a 404, and the role needs no read
        access to anyone's file."""
        entry = self._entry(key)
        if entry is None:
            return None
        modified: datetime = entry["LastModified"]
        return modified

    def _entry(self, key: str) -> dict[str, Any] | None:
        response = self._s3.list_objects_v2(Bucket=self.bucket, Prefix=key, MaxKeys=1)
        for entry in response.get("Contents", []):
            if entry["Key"] == key:
                found: dict[str, Any] = entry
                return found
        return None


def object_created_message(bucket: str, key: str, size: int | None = None) -> str:
    """An S3 `ObjectCreated` notification for `key`, as the bucket sends it to the queue:
    the ingest worker cannot tell a re-enqueued upload from the original."""
    stored: dict[str, object] = {"key": quote_plus(key, safe="/")}
    if size is not None:
        stored["size"] = size
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": bucket}, "object": stored},
    }
    return json.dumps({"Records": [record]})


class IngestQueue:
    """`sqs` is a boto3 SQS client."""

    def __init__(self, sqs: Any, queue_url: str) -> None:
        self._sqs = sqs
        self._queue_url = queue_url

    def enqueue(self, bucket: str, key: str, size: int | None = None) -> None:
        self._sqs.send_message(
            QueueUrl=self._queue_url, MessageBody=object_created_message(bucket, key, size)
        )
