"""Restore what was lost: the table (or one user's items) to a point in time, and one
document deleted outside the API.

    make restore-table STACK=prod AT=2026-11-30T18:00Z USER_ID=<sub>   # one user's items
    make restore-table STACK=prod AT=2026-11-30T18:00Z ALL=1        # every item
    make restore-document STACK=prod USER_ID=<sub> DOCUMENT=<id> FROM_TABLE=<restored table>

`table` restores the table into a new one (`<table>-restore-<time>`) with DynamoDB's
point-in-time recovery (or from a backup ARN: `--backup-arn`, e.g. one of AWS Backup's),
waits for it, counts what it holds for the user (or in all), and copies those items back
into the live table (`--no-copy`: only restore and count, to inspect first). The restored
table is kept for inspection; the command prints how to delete it.

`document` makes a document's files current again by removing the delete markers on its
raw and derived objects (the bucket is versioned), and copies its item back from a restored
table. It is for deletions that bypassed the API (an operator's `aws s3 rm`, a bug): the
API's own delete removes every version, on purpose, and cannot be undone.

The whole bucket from AWS Backup is a console/CLI procedure: docs/operations.md#restore.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from boto3.dynamodb.conditions import Key

from handlers.core.contracts.layout import (
    PARTITION_KEY,
    SORT_KEY,
    derived_prefix,
    document_sk,
    raw_prefix,
    user_pk,
)
from ops.aws import client, table
from ops.outputs import load_outputs
from ops.rollback import parse_time

# A large table takes a while to restore; give up after two hours of polling.
_WAIT = {"Delay": 30, "MaxAttempts": 240}


@dataclass(frozen=True)
class TableRestore:
    restored_table: str
    items: int
    """Items of the user (or all) in the restored table."""
    copied: int


def restored_name(live_table: str, now: datetime) -> str:
    return f"{live_table}-restore-{now.strftime('%Y%m%d%H%M%S')}"


def restore_table_copy(
    dynamodb: Any,
    live_table: str,
    target: str,
    *,
    at: datetime | None = None,
    backup_arn: str | None = None,
    kms_key: str | None = None,
) -> None:
    """Create `target` from the live table's state at `at` (PITR) or from `backup_arn`."""
    encryption = (
        {"SSESpecificationOverride": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": kms_key}}
        if kms_key
        else {}
    )
    if backup_arn:
        dynamodb.restore_table_from_backup(
            TargetTableName=target, BackupArn=backup_arn, **encryption
        )
    else:
        point = {"RestoreDateTime": at} if at else {"UseLatestRestorableTime": True}
        dynamodb.restore_table_to_point_in_time(
            SourceTableName=live_table, TargetTableName=target, **point, **encryption
        )
    dynamodb.get_waiter("table_exists").wait(TableName=target, WaiterConfig=_WAIT)


def items_of(restored: Any, user_id: str | None) -> list[dict[str, Any]]:
    """Every item of the user's partition, or of the whole table when `user_id` is None."""
    request: dict[str, Any] = (
        {"KeyConditionExpression": Key(PARTITION_KEY).eq(user_pk(user_id))} if user_id else {}
    )
    read = restored.query if user_id else restored.scan
    items: list[dict[str, Any]] = []
    while True:
        page = read(**request)
        items += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def copy_back(live: Any, items: list[dict[str, Any]]) -> int:
    """Put each item into the live table (a restored item replaces the live one)."""
    with live.batch_writer(overwrite_by_pkeys=[PARTITION_KEY, SORT_KEY]) as writer:
        for item in items:
            writer.put_item(Item=item)
    return len(items)


def restore_table(
    dynamodb: Any,
    resource: Any,
    live_table: str,
    target: str,
    *,
    user_id: str | None,
    at: datetime | None = None,
    backup_arn: str | None = None,
    copy: bool = True,
    kms_key: str | None = None,
) -> TableRestore:
    """`resource` is a boto3 DynamoDB service resource (for Table objects)."""
    restore_table_copy(dynamodb, live_table, target, at=at, backup_arn=backup_arn, kms_key=kms_key)
    items = items_of(resource.Table(target), user_id)
    copied = copy_back(resource.Table(live_table), items) if copy else 0
    return TableRestore(restored_table=target, items=len(items), copied=copied)


@dataclass(frozen=True)
class DocumentRestore:
    undeleted: int
    """Objects whose delete marker was removed."""
    item_restored: bool


def undelete_prefix(s3: Any, bucket: str, prefix: str) -> int:
    """Remove the delete marker that hides each object under `prefix`; the newest version
    below it becomes current again. Returns how many objects came back."""
    markers: list[dict[str, str]] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        markers += [
            {"Key": m["Key"], "VersionId": m["VersionId"]}
            for m in page.get("DeleteMarkers", [])
            if m.get("IsLatest")
        ]
    for marker in markers:
        s3.delete_object(Bucket=bucket, Key=marker["Key"], VersionId=marker["VersionId"])
    return len(markers)


def restore_document(
    s3: Any,
    bucket: str,
    live: Any,
    restored: Any | None,
    user_id: str,
    document_id: str,
) -> DocumentRestore:
    """`live`/`restored` are Table resources; `restored` None: files only (item still there)."""
    undeleted = sum(
        undelete_prefix(s3, bucket, prefix)
        for prefix in (raw_prefix(user_id, document_id), derived_prefix(user_id, document_id))
    )
    item_restored = False
    if restored is not None:
        key = {PARTITION_KEY: user_pk(user_id), SORT_KEY: document_sk(document_id)}
        item = restored.get_item(Key=key).get("Item")
        if item is not None:
            live.put_item(Item=item)
            item_restored = True
    return DocumentRestore(undeleted=undeleted, item_restored=item_restored)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops.restore", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--stack", help="the Pulumi stack (dev, prod)")
    parser.add_argument("--outputs", type=Path, help="a JSON file of the stack's outputs")
    commands = parser.add_subparsers(dest="command", required=True)
    table_parser = commands.add_parser("table", help="point-in-time restore, then copy back")
    source = table_parser.add_mutually_exclusive_group()
    source.add_argument("--at", type=parse_time, help="the moment to restore (default: latest)")
    source.add_argument("--backup-arn", help="restore from this backup instead of PITR")
    whose = table_parser.add_mutually_exclusive_group(required=True)
    whose.add_argument("--user", help="copy back only this user's items (their Cognito sub)")
    whose.add_argument("--all", action="store_true", help="copy back every item (a full loss)")
    table_parser.add_argument("--no-copy", action="store_true", help="restore and count only")
    table_parser.add_argument(
        "--kms-key", help="encrypt the restored table with this key (the store's: its ARN)"
    )
    document_parser = commands.add_parser("document", help="undelete one document")
    document_parser.add_argument("--user", required=True)
    document_parser.add_argument("--document", required=True)
    document_parser.add_argument("--from-table", help="a restored table to copy its item from")
    args = parser.parse_args(argv)

    outputs = load_outputs(args.stack, args.outputs)
    region = outputs.region
    if args.command == "table":
        import boto3

        target = restored_name(outputs.table, datetime.now().astimezone())
        result = restore_table(
            client("dynamodb", region),
            boto3.resource("dynamodb", region_name=region),
            outputs.table,
            target,
            user_id=None if args.all else args.user,
            at=args.at,
            backup_arn=args.backup_arn,
            copy=not args.no_copy,
            kms_key=args.kms_key,
        )
        print(
            f"restored into {result.restored_table}: {result.items} items; copied back {result.copied}"
        )
        print(f"when done: aws dynamodb delete-table --table-name {result.restored_table}")
        return 0
    restored = table(args.from_table, region) if args.from_table else None
    outcome = restore_document(
        client("s3", region),
        outputs.documents_bucket,
        table(outputs.table, region),
        restored,
        args.user,
        args.document,
    )
    print(f"{outcome.undeleted} objects undeleted; item restored: {outcome.item_restored}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
