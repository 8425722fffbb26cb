"""What `ops.restore` asks DynamoDB for: moto ignores a restore's moment and its encryption,
so these are checked on the request itself (the drill checks the data)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ops import restore

STORE_KEY = "arn:aws:kms:eu-west-1:123456789012:key/store"


class RecordingDynamoDb:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def restore_table_to_point_in_time(self, **params: Any) -> None:
        self.calls.append(("pitr", params))

    def restore_table_from_backup(self, **params: Any) -> None:
        self.calls.append(("backup", params))

    def get_waiter(self, name: str) -> Any:
        calls = self.calls

        class Waiter:
            def wait(self, **params: Any) -> None:
                calls.append((f"wait {name}", params))

        return Waiter()


def test_a_point_in_time_restore_names_the_moment_the_target_and_the_store_key() -> None:
    dynamodb = RecordingDynamoDb()
    moment = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)

    restore.restore_table_copy(dynamodb, "docs", "docs-restore-1", at=moment, kms_key=STORE_KEY)

    (kind, params), (waited, wait_params) = dynamodb.calls
    assert kind == "pitr"
    assert params == {
        "SourceTableName": "docs",
        "TargetTableName": "docs-restore-1",
        "RestoreDateTime": moment,
        "SSESpecificationOverride": {
            "Enabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": STORE_KEY,
        },
    }
    # And the command waits for the new table, for up to two hours
    assert waited == "wait table_exists"
    assert wait_params["TableName"] == "docs-restore-1"
    config = wait_params["WaiterConfig"]
    assert config["Delay"] * config["MaxAttempts"] >= 7200


def test_without_a_moment_the_latest_restorable_time_is_used() -> None:
    dynamodb = RecordingDynamoDb()
    restore.restore_table_copy(dynamodb, "docs", "docs-restore-2")
    (kind, params) = dynamodb.calls[0]
    assert kind == "pitr"
    assert params["UseLatestRestorableTime"] is True
    assert "RestoreDateTime" not in params
    assert "SSESpecificationOverride" not in params


def test_a_backup_is_restored_by_its_arn() -> None:
    dynamodb = RecordingDynamoDb()
    restore.restore_table_copy(dynamodb, "docs", "docs-restore-3", backup_arn="arn:backup")
    assert dynamodb.calls[0] == (
        "backup",
        {"TargetTableName": "docs-restore-3", "BackupArn": "arn:backup"},
    )


def test_the_restored_table_is_named_after_the_live_one_and_the_time() -> None:
    moment = datetime(2026, 11, 30, 18, 5, 9, tzinfo=UTC)
    assert restore.restored_name("doc-agent-table-1a2b", moment) == (
        "doc-agent-table-1a2b-restore-20261130180509"
    )
