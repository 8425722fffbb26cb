"""After a fix, process again what ingest gave up on, and say how many.

    make redrive STACK=prod                       # what failed in the last 24 hours
    make redrive STACK=prod SINCE=2026-11-30T18:00Z

An upload the worker could not finish ends in the ingest DLQ, and its document FAILED with a
"service" reason: the worker's last retry (a dependency kept failing, or the model was not
configured), the DLQ consumer (`handlers/dead_letters.py`: every delivery ran out of time
or memory) or the sweeper (stuck). The DLQ consumer drains the queue as it marks them, so a
redrive works from the documents: each one FAILED with one of REOPENED_REASONS since SINCE
whose file is still there is reopened (back to PENDING) and its upload is sent to the ingest
queue again, as S3 sent it. Messages still waiting in the DLQ (its consumer disabled or
failing) are moved back to the ingest queue first, reopening their documents the same way.

A document FAILED for a problem with its file, READY or deleted is left alone. Reopening is
conditional on the document's status and reason, and a message is sent before it is deleted
from the DLQ, so a crash or a second run sends an upload twice at most, which the worker
absorbs (its status changes are conditional).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from handlers.core.clock import to_iso
from handlers.core.contracts.layout import (
    PARTITION_KEY,
    SORT_KEY,
    document_sk,
    parse_raw_key,
    user_pk,
)
from handlers.core.documents.models import DocumentStatus
from handlers.core.ingest.service import NOT_CONFIGURED_REASON, RETRIES_EXHAUSTED_REASON
from handlers.core.sweeper.rules import PROCESSING_STUCK
from handlers.core.sweeper.store import IngestQueue, RawObjects
from handlers.dead_letters import DEAD_LETTER_REASON
from ops.aws import client, table
from ops.outputs import load_outputs
from ops.rollback import parse_time

REOPENED_REASONS = (
    RETRIES_EXHAUSTED_REASON,
    NOT_CONFIGURED_REASON,
    PROCESSING_STUCK,
    DEAD_LETTER_REASON,
)
DEFAULT_WINDOW = timedelta(days=1)
_BATCH = 10
# Long enough to re-send a batch; a message not deleted by then is simply received again.
_HOLD_SECONDS = 60


@dataclass
class RedriveReport:
    moved: int = 0
    """Messages moved from the DLQ to the ingest queue."""
    reopened: int = 0
    """Documents of those messages that were FAILED for a service reason, now PENDING."""
    resent: int = 0
    """Documents FAILED for a service reason since SINCE, reopened and their upload resent."""


def raw_keys(body: str) -> list[str]:
    """The raw object keys an S3 notification message names (none for anything else)."""
    try:
        message = json.loads(body)
    except ValueError:
        return []
    records = message.get("Records", []) if isinstance(message, dict) else []
    keys = [r.get("s3", {}).get("object", {}).get("key") for r in records if isinstance(r, dict)]
    return [key for key in keys if isinstance(key, str)]


def reopen(documents: Any, key: str) -> bool:
    """FAILED-after-retries → PENDING; False when the document is anything else (or gone)."""
    parsed = parse_raw_key(key)
    if parsed is None:
        return False
    return reopen_document(documents, parsed.user_id, parsed.document_id)


def reopen_document(documents: Any, user_id: str, document_id: str) -> bool:
    try:
        documents.update_item(
            Key={PARTITION_KEY: user_pk(user_id), SORT_KEY: document_sk(document_id)},
            UpdateExpression="SET #status = :pending REMOVE failureReason",
            ConditionExpression=Attr("status").eq(DocumentStatus.FAILED.value)
            & Attr("failureReason").is_in(list(REOPENED_REASONS)),
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":pending": DocumentStatus.PENDING.value},
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def failed_since(documents: Any, since: datetime) -> Iterator[tuple[str, str, str]]:
    """(user id, document id, raw key) of each document FAILED for a service reason since
    `since` (a Scan: FAILED items are found wherever their users are)."""
    scan: dict[str, Any] = {
        "FilterExpression": Attr("entity").eq("document")
        & Attr("status").eq(DocumentStatus.FAILED.value)
        & Attr("failureReason").is_in(list(REOPENED_REASONS))
        & Attr("updatedAt").gte(to_iso(since)),
        "ProjectionExpression": "userId, documentId, rawKey",
    }
    while True:
        page = documents.scan(**scan)
        for item in page.get("Items", []):
            yield str(item["userId"]), str(item["documentId"]), str(item["rawKey"])
        if "LastEvaluatedKey" not in page:
            return
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def resend_failed(documents: Any, raw: RawObjects, queue: IngestQueue, since: datetime) -> int:
    """Reopen each document FAILED for a service reason since `since` whose file is still
    there, and send its upload to the ingest queue again; returns how many."""
    resent = 0
    for user_id, document_id, key in failed_since(documents, since):
        size = raw.size_of(key)
        if size is None or not reopen_document(documents, user_id, document_id):
            continue
        queue.enqueue(raw.bucket, key, size)
        resent += 1
    return resent


def redrive(sqs: Any, documents: Any, dlq_url: str, queue_url: str) -> RedriveReport:
    """Move every message the DLQ holds now; `documents` is the table (boto3 resource)."""
    report = RedriveReport()
    while True:
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=_BATCH,
            WaitTimeSeconds=1,
            VisibilityTimeout=_HOLD_SECONDS,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return report
        for message in messages:
            report.reopened += sum(reopen(documents, key) for key in raw_keys(message["Body"]))
        sent = sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {
                    "Id": str(index),
                    "MessageBody": message["Body"],
                    **(
                        {"MessageAttributes": message["MessageAttributes"]}
                        if message.get("MessageAttributes")
                        else {}
                    ),
                }
                for index, message in enumerate(messages)
            ],
        )
        done = [messages[int(entry["Id"])] for entry in sent.get("Successful", [])]
        if done:
            sqs.delete_message_batch(
                QueueUrl=dlq_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(done)
                ],
            )
        report.moved += len(done)
        if sent.get("Failed"):
            # Left in the DLQ (visible again after the hold): say so rather than loop on them.
            print(f"{len(sent['Failed'])} messages could not be sent; they stay in the DLQ")
            return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops.redrive", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--stack", help="the Pulumi stack (dev, prod)")
    parser.add_argument("--outputs", type=Path, help="a JSON file of the stack's outputs")
    parser.add_argument(
        "--since", type=parse_time, help="resend what failed since then (default: 24 h ago)"
    )
    args = parser.parse_args(argv)
    outputs = load_outputs(args.stack, args.outputs)
    since = args.since or datetime.now(UTC) - DEFAULT_WINDOW
    sqs = client("sqs", outputs.region)
    documents = table(outputs.table, outputs.region)
    report = redrive(sqs, documents, outputs.ingest_dlq_url, outputs.ingest_queue_url)
    report.resent = resend_failed(
        documents,
        RawObjects(client("s3", outputs.region), outputs.documents_bucket),
        IngestQueue(sqs, outputs.ingest_queue_url),
        since,
    )
    print(
        f"moved {report.moved} messages from the DLQ to the ingest queue "
        f"(reopening {report.reopened} documents); resent {report.resent} documents that "
        f"failed for a service reason since {to_iso(since)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
