"""The recovery drill (docs/operations.md#restore): build a user's library, destroy it in the
ways the runbook covers, restore it with the ops commands, and prove the user asks the same
question and gets the same citations again. Against moto; the nightly backup stands in for
the point in time (moto's PITR restore copies the table as it is now, see the runbook)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from handlers.core.contracts.layout import (
    PARTITION_KEY,
    SORT_KEY,
    derived_prefix,
    raw_prefix,
    user_pk,
)
from ops import restore
from tests.e2e import documents
from tests.handlers.document_flow import Uploaded, ask, deliver
from tests.support.aws import BUCKET, REGION, TABLE
from tests.support.events import USER_A, USER_B
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute

FACT = "The combination of the blue vault is 7319."
QUESTION = "What is the combination of the blue vault?"
NOTES = "The lighthouse keeper's cat is called Biscuit and sleeps on the stairs."


def upload_as(
    call_api: CallRoute, s3: Any, user: str, name: str, kind: str, data: bytes
) -> Uploaded:
    created = call_api(
        "POST", "/documents", user=user, body={"name": name, "contentType": kind, "size": len(data)}
    )
    assert created.status == 201, created.body
    key = created.body["upload"]["fields"]["key"]
    response = s3.put_object(Bucket=BUCKET, Key=key, Body=data, ContentType=kind)
    return Uploaded(
        document_id=created.body["document"]["documentId"],
        key=key,
        size=len(data),
        signature="",
        s3_request_id=response["ResponseMetadata"]["RequestId"],
    )


def citations(answer: dict[str, Any]) -> list[tuple[str, int | None, str]]:
    return [(c["documentId"], c.get("page"), c["excerpt"]) for c in answer["citations"]]


def statuses(call_api: CallRoute, user: str) -> dict[str, str]:
    listed = call_api("GET", "/documents", user=user)
    assert listed.status == 200, listed.body
    return {d["documentId"]: d["status"] for d in listed.body["items"]}


@pytest.fixture
def library(
    call_api: CallRoute, call_agent: CallRoute, s3_client: Any, lambda_context: FakeLambdaContext
) -> dict[str, Any]:
    """Alice's PDF (the fact on page 2) and notes, Bob's notes; Alice's answer; a backup."""
    manual = documents.pdf(
        [
            documents.long_page("The first page is only filler.", seed=1),
            documents.long_page(FACT, seed=3),
            documents.long_page("The third page is only filler.", seed=5),
        ]
    )
    pdf = upload_as(call_api, s3_client, USER_A, "vault.pdf", "application/pdf", manual)
    notes = upload_as(call_api, s3_client, USER_A, "notes.txt", "text/plain", NOTES.encode())
    bobs = upload_as(call_api, s3_client, USER_B, "bob.txt", "text/plain", NOTES.encode())
    deliver(lambda_context, pdf, notes, bobs)
    answer = ask(call_agent, QUESTION)
    assert any(page == 2 for _, page, _ in citations(answer)), answer
    # The nightly AWS Backup job (or PITR's continuous backup)
    backup = boto3.client("dynamodb", region_name=REGION).create_backup(
        TableName=TABLE, BackupName="nightly"
    )["BackupDetails"]["BackupArn"]
    return {
        "pdf": pdf,
        "notes": notes,
        "bobs": bobs,
        "answer": answer,
        "backup": backup,
        "before": statuses(call_api, USER_A),
        "bob_before": statuses(call_api, USER_B),
    }


def delete_partition(user: str) -> int:
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    items = table.query(
        KeyConditionExpression=boto3.dynamodb.conditions.Key(PARTITION_KEY).eq(user_pk(user))
    )["Items"]
    with table.batch_writer() as writer:
        for item in items:
            writer.delete_item(Key={PARTITION_KEY: item[PARTITION_KEY], SORT_KEY: item[SORT_KEY]})
    return len(items)


def operator_rm(s3: Any, user: str, document_id: str) -> int:
    """`aws s3 rm --recursive` of a document's files: a delete marker on each object."""
    keys = [
        o["Key"]
        for prefix in (raw_prefix(user, document_id), derived_prefix(user, document_id))
        for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    ]
    for key in keys:
        s3.delete_object(Bucket=BUCKET, Key=key)
    return len(keys)


def test_drill_a_users_items_and_a_documents_files_deleted_by_mistake(
    library: dict[str, Any],
    call_api: CallRoute,
    call_agent: CallRoute,
    s3_client: Any,
    tmp_path: Path,
) -> None:
    pdf: Uploaded = library["pdf"]
    # Given a mistake removed all of Alice's items, and an operator removed her PDF's files
    assert delete_partition(USER_A) > 3
    assert operator_rm(s3_client, USER_A, pdf.document_id) >= 3
    # (the damage is real: she has no documents and no answer)
    assert statuses(call_api, USER_A) == {}
    assert citations(ask(call_agent, QUESTION)) == []

    # When the operator restores her items from the backup, then the PDF's files
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(_outputs()))
    assert (
        restore.main(
            [
                "--outputs",
                str(outputs),
                "table",
                "--backup-arn",
                library["backup"],
                "--user",
                USER_A,
            ]
        )
        == 0
    )
    assert (
        restore.main(
            ["--outputs", str(outputs), "document", "--user", USER_A, "--document", pdf.document_id]
        )
        == 0
    )

    # Then her documents are back as they were, Bob's untouched
    assert statuses(call_api, USER_A) == library["before"]
    assert statuses(call_api, USER_B) == library["bob_before"]
    # And she gets the same citations for the same question
    assert citations(ask(call_agent, QUESTION)) == citations(library["answer"])


def test_drill_the_whole_table_lost(
    library: dict[str, Any], call_api: CallRoute, call_agent: CallRoute
) -> None:
    # Given every item of every user is gone
    delete_partition(USER_A)
    delete_partition(USER_B)
    assert statuses(call_api, USER_B) == {}

    # When everything is restored into a new table and copied back
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    result = restore.restore_table(
        dynamodb,
        boto3.resource("dynamodb", region_name=REGION),
        TABLE,
        f"{TABLE}-restore-drill",
        user_id=None,
        backup_arn=library["backup"],
    )

    # Then both users have their libraries and Alice her answer
    assert result.copied == result.items > 0
    assert statuses(call_api, USER_A) == library["before"]
    assert statuses(call_api, USER_B) == library["bob_before"]
    assert citations(ask(call_agent, QUESTION)) == citations(library["answer"])


def test_a_pitr_restore_without_copy_only_counts(
    library: dict[str, Any],
) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.update_continuous_backups(
        TableName=TABLE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    delete_partition(USER_B)

    result = restore.restore_table(
        dynamodb,
        boto3.resource("dynamodb", region_name=REGION),
        TABLE,
        f"{TABLE}-restore-count",
        user_id=USER_A,
        at=None,
        copy=False,
    )

    assert result.copied == 0
    assert result.items > 3
    assert dynamodb.describe_table(TableName=f"{TABLE}-restore-count")["Table"]["TableStatus"] == (
        "ACTIVE"
    )
    assert statuses_empty_for_bob()


def statuses_empty_for_bob() -> bool:
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    found = table.query(
        KeyConditionExpression=boto3.dynamodb.conditions.Key(PARTITION_KEY).eq(user_pk(USER_B))
    )["Items"]
    return len(found) == 0


def _outputs() -> dict[str, str]:
    return {
        "region": REGION,
        "apiUrl": "https://api.example.com/api",
        "userPoolId": "pool",
        "userPoolClientId": "client",
        "table": TABLE,
        "documentsBucket": BUCKET,
        "ingestQueueUrl": "https://sqs/ingest",
        "ingestDlqUrl": "https://sqs/dlq",
    }
