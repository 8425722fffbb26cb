"""AWS Backup of the table and the bucket (prod): a daily plan into a KMS-encrypted vault."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components import policies
from components.document_store.scope import StoreScope

_BACKUP_MANAGED_POLICIES: Mapping[str, str] = {
    "backup": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "restore": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "s3-backup": "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "s3-restore": "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
}


def create_backups(
    scope: StoreScope,
    *,
    key_arn: pulumi.Input[str],
    retention_days: int,
    resources: list[pulumi.Input[str]],
) -> None:
    vault = aws.backup.Vault(
        f"{scope.name}-backup-vault",
        kms_key_arn=key_arn,
        tags=scope.tags,
        opts=scope.data,
    )
    plan = aws.backup.Plan(
        f"{scope.name}-backup-plan",
        rules=[
            {
                "rule_name": "daily",
                "target_vault_name": vault.name,
                "schedule": "cron(0 3 * * ? *)",
                "lifecycle": {"delete_after": retention_days},
            }
        ],
        tags=scope.tags,
        opts=scope.child,
    )
    role = aws.iam.Role(
        f"{scope.name}-backup-role",
        assume_role_policy=policies.assume_role_policy("backup.amazonaws.com"),
        tags=scope.tags,
        opts=scope.child,
    )
    for suffix, policy in _BACKUP_MANAGED_POLICIES.items():
        aws.iam.RolePolicyAttachment(
            f"{scope.name}-backup-{suffix}",
            role=role.name,
            policy_arn=policy,
            opts=scope.child,
        )
    aws.backup.Selection(
        f"{scope.name}-backup-selection",
        plan_id=plan.id,
        iam_role_arn=role.arn,
        resources=resources,
        opts=scope.child,
    )
