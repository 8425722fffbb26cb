"""Re-index documents stored in an older derived format: an operator command.

    make reindex STACK=dev [USER=<cognito sub>]       # or:
    python scripts/reindex.py --stack dev [--user SUB] [--dry-run]
    python scripts/reindex.py --table T --bucket B --queue-url URL [--user SUB]

For each READY document of the user (or of every user) whose `derivedFormat` is older than
`handlers.core.derived.FORMAT_VERSION` (or absent: format 1), it sends the ingest queue
the message S3 sends when the document's raw file is uploaded. The ingest worker treats a
READY document in an older format as a re-index: it extracts the raw file again, writes
the derived files in the current format, and keeps the document READY all along (the old
files answer until the new ones are written). Idempotent: a document already upgraded is
skipped here and, if a message arrives twice, by the worker. Documents whose raw file is
gone are reported and left as they are.

With `--stack`, the table, bucket and queue come from `pulumi stack output`; the caller's
AWS credentials need dynamodb:Query/Scan on the table, s3:GetObject (HEAD) on `raw/`, and
sqs:SendMessage on the queue (with kms:GenerateDataKey on the store's key).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from boto3.dynamodb.conditions import Attr, Key  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from handlers.core.contracts.layout import DOCUMENT_PREFIX, PARTITION_KEY, SORT_KEY, user_pk  # noqa: E402
from handlers.core.derived import FORMAT_VERSION, LEGACY_FORMAT_VERSION  # noqa: E402
from handlers.core.documents.models import DocumentRecord, DocumentStatus  # noqa: E402

SQS_BATCH = 10


@dataclass(frozen=True)
class Target:
    table: str
    bucket: str
    queue_url: str


@dataclass
class Report:
    queued: list[str] = field(default_factory=list)
    current: int = 0
    missing_raw: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"queued {len(self.queued)} document(s) for re-indexing; {self.current} already in"
            f" format {FORMAT_VERSION}; {len(self.missing_raw)} without a raw file"
            + (f" ({', '.join(self.missing_raw)})" if self.missing_raw else "")
        )


def created_message(bucket: str, key: str, size: int) -> str:
    """The body S3 sends the ingest queue for an upload (keys URL-encoded, '+' for spaces)."""
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "s3": {
            "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
            "object": {"key": quote_plus(key, safe="/"), "size": size},
        },
    }
    return json.dumps({"Records": [record]})


def needs_reindex(record: DocumentRecord) -> bool:
    return (
        record.status is DocumentStatus.READY
        and (record.derived_format or LEGACY_FORMAT_VERSION) < FORMAT_VERSION
    )


def documents(table: Any, user_id: str | None) -> Iterator[DocumentRecord]:
    """Every document item of the user (Query), or of every user (Scan)."""
    if user_id is not None:
        request: dict[str, Any] = {
            "KeyConditionExpression": Key(PARTITION_KEY).eq(user_pk(user_id))
            & Key(SORT_KEY).begins_with(DOCUMENT_PREFIX)
        }
        call = table.query
    else:
        request = {"FilterExpression": Attr(SORT_KEY).begins_with(DOCUMENT_PREFIX)}
        call = table.scan
    while True:
        response = call(**request)
        for item in response.get("Items", []):
            yield DocumentRecord.model_validate(item)
        if "LastEvaluatedKey" not in response:
            return
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def reindex(
    target: Target, *, dynamodb: Any, s3: Any, sqs: Any, user_id: str | None, dry_run: bool
) -> Report:
    report = Report()
    batch: list[dict[str, str]] = []
    for record in documents(dynamodb.Table(target.table), user_id):
        if record.status is DocumentStatus.READY and not needs_reindex(record):
            report.current += 1
            continue
        if not needs_reindex(record):
            continue  # PENDING or FAILED: nothing stored to upgrade
        size = _size(s3, target.bucket, record.raw_key)
        if size is None:
            report.missing_raw.append(record.document_id)
            continue
        report.queued.append(record.document_id)
        body = created_message(target.bucket, record.raw_key, size)
        batch.append({"Id": str(len(batch)), "MessageBody": body})
        if len(batch) == SQS_BATCH:
            _send(sqs, target.queue_url, batch, dry_run)
            batch = []
    if batch:
        _send(sqs, target.queue_url, batch, dry_run)
    return report


def _size(s3: Any, bucket: str, key: str) -> int | None:
    try:
        return int(s3.head_object(Bucket=bucket, Key=key)["ContentLength"])
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def _send(sqs: Any, queue_url: str, batch: list[dict[str, str]], dry_run: bool) -> None:
    if dry_run:
        return
    response = sqs.send_message_batch(QueueUrl=queue_url, Entries=batch)
    if response.get("Failed"):
        raise RuntimeError(f"SQS refused {len(response['Failed'])} message(s); run again")


def stack_target(stack: str) -> Target:
    """The stack's table, bucket and ingest queue, from its Pulumi outputs."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise SystemExit("the Pulumi CLI is not on the PATH: give --table, --bucket, --queue-url")
    output = subprocess.run(  # noqa: S603 - a fixed command line, no shell
        [pulumi, "stack", "output", "--json", "--stack", stack],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    outputs = json.loads(output)
    return Target(
        table=outputs["table"],
        bucket=outputs["documentsBucket"],
        queue_url=outputs["ingestQueueUrl"],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stack", help="read the resources from this Pulumi stack's outputs")
    parser.add_argument("--table")
    parser.add_argument("--bucket")
    parser.add_argument("--queue-url")
    parser.add_argument("--user", help="one user's documents (their Cognito sub); default all")
    parser.add_argument("--dry-run", action="store_true", help="report, send nothing")
    args = parser.parse_args(argv)
    if args.stack:
        target = stack_target(args.stack)
    elif args.table and args.bucket and args.queue_url:
        target = Target(args.table, args.bucket, args.queue_url)
    else:
        parser.error("give --stack, or --table, --bucket and --queue-url")

    import boto3

    report = reindex(
        target,
        dynamodb=boto3.resource("dynamodb"),
        s3=boto3.client("s3"),
        sqs=boto3.client("sqs"),
        user_id=args.user,
        dry_run=args.dry_run,
    )
    print(("(dry run) " if args.dry_run else "") + report.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
