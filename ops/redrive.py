"""Move the ingest DLQ's messages back to the ingest queue after a fix, and say how many.

    make redrive STACK=prod            # python -m ops.redrive --stack prod

A message reaches the DLQ after MAX_RECEIVE_COUNT failed deliveries, and by then the worker
(or the sweeper) has marked its document FAILED with a "service kept failing" reason, so the
user is not left waiting. Redriving reopens exactly those documents (FAILED with one of the
reasons in REOPENED_REASONS, back to PENDING) before re-sending their messages, so the worker
processes them again; a document FAILED for a problem with the file, deleted, or READY is
left as it is and the worker skips its message.

Each message is sent to the queue before it is deleted from the DLQ: a crash in between
sends it twice at most, which the worker absorbs (its status changes are conditional).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from handlers.core.documents.models import DocumentStatus
from handlers.core.ingest_document import NOT_CONFIGURED_REASON, RETRIES_EXHAUSTED_REASON
from handlers.core.layout import PARTITION_KEY, SORT_KEY, document_sk, parse_raw_key, user_pk
from handlers.core.sweeper.rules import PROCESSING_STUCK
from ops.aws import client, table
from ops.outputs import load_outputs

REOPENED_REASONS = (RETRIES_EXHAUSTED_REASON, NOT_CONFIGURED_REASON, PROCESSING_STUCK)
_BATCH = 10
# Long enough to re-send a batch; a message not deleted by then is simply received again.
_HOLD_SECONDS = 60


@dataclass
class RedriveReport:
    moved: int = 0
    reopened: int = 0


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
    try:
        documents.update_item(
            Key={PARTITION_KEY: user_pk(parsed.user_id), SORT_KEY: document_sk(parsed.document_id)},
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
    args = parser.parse_args(argv)
    outputs = load_outputs(args.stack, args.outputs)
    report = redrive(
        client("sqs", outputs.region),
        table(outputs.table, outputs.region),
        outputs.ingest_dlq_url,
        outputs.ingest_queue_url,
    )
    print(
        f"moved {report.moved} messages from the DLQ to the ingest queue; "
        f"reopened {report.reopened} documents that had failed after retries"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
