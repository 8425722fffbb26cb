"""DocumentStore: where users' documents and everything derived from them live.

A customer-managed KMS key encrypts all of it: the documents bucket, the ingest queue and
its dead-letter queue, and the single DynamoDB table. Key names, the bucket layout and the
queue settings come from `handlers.core.contracts.layout`, the module the handlers use too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import policies
from components.private_bucket import bucket_policy, private_bucket
from components.tags import component_tags
from handlers.core.contracts import layout


@dataclass(frozen=True)
class DocumentStoreArgs:
    worker_timeout_seconds: int
    """The ingest function's timeout; the queue's visibility timeout is derived from it."""
    dead_letter_timeout_seconds: int
    """The DLQ consumer's timeout; the DLQ's visibility timeout is derived from it."""
    cors_origins: pulumi.Input[Sequence[str]]
    """Origins whose browsers may upload straight to the bucket (the site's)."""
    tags: Mapping[str, str]
    """Cost-allocation tags of the stack."""
    deletion_protection: bool = False
    """Protect the data: table deletion protection, `protect` and `retain_on_delete`."""
    backups: bool = False
    """An AWS Backup plan for the table and the bucket."""
    backup_retention_days: int = 35
    noncurrent_version_days: int = 30
    abort_incomplete_upload_days: int = 1


# S3 encrypts the event notifications it sends to the KMS-encrypted ingest queue. This is
# the statement AWS documents for it ("AWS KMS key policy" in
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html),
# and it has no conditions on purpose: AWS documents no condition keys for the KMS calls
# SQS makes on S3's behalf, and a condition that does not match (aws:SourceAccount was
# here) denies every notification, starting with the test message S3 sends when the
# notification is created ("Unable to validate the following destination
# configurations"). Who may send, and from which bucket, is the queue policy's job
# (aws:SourceArn + aws:SourceAccount on sqs:SendMessage); this grant only lets S3
# encrypt what the queue accepts.
S3_NOTIFICATIONS_KEY_STATEMENT: policies.Statement = {
    "Sid": "S3SendsEncryptedNotifications",
    "Effect": "Allow",
    "Principal": {"Service": "s3.amazonaws.com"},
    "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
    "Resource": "*",
}


class DocumentStore(pulumi.ComponentResource):
    key_arn: pulumi.Output[str]
    """The KMS key that encrypts the bucket, the queues and the table."""
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    table_name: pulumi.Output[str]
    table_arn: pulumi.Output[str]
    queue_url: pulumi.Output[str]
    queue_arn: pulumi.Output[str]
    queue_name: pulumi.Output[str]
    dlq_url: pulumi.Output[str]
    dlq_arn: pulumi.Output[str]
    dlq_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: DocumentStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("doc-agent:index:DocumentStore", name, None, opts)
        self._name = name
        self._args = args
        self._tags = component_tags(args.tags, "document-store")
        self._child = pulumi.ResourceOptions(parent=self)
        # Losing the key, the bucket or the table loses users' data.
        self._data = pulumi.ResourceOptions(
            parent=self, protect=args.deletion_protection, retain_on_delete=args.deletion_protection
        )
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self._account_id = aws.get_caller_identity_output(opts=invoke).account_id
        self._region = aws.get_region_output(opts=invoke).region

        self.key = self._create_key()
        self.bucket = self._create_bucket()
        self.dlq, self.queue = self._create_queues()
        self._create_notifications()
        self.table = self._create_table()
        if args.backups:
            self._create_backups()

        self.key_arn = self.key.arn
        self.bucket_name = self.bucket.bucket
        self.bucket_arn = self.bucket.arn
        self.table_name = self.table.name
        self.table_arn = self.table.arn
        self.queue_url = self.queue.url
        self.queue_arn = self.queue.arn
        self.queue_name = self.queue.name
        self.dlq_url = self.dlq.url
        self.dlq_arn = self.dlq.arn
        self.dlq_name = self.dlq.name
        self.register_outputs(
            {
                "key_arn": self.key_arn,
                "bucket_name": self.bucket_name,
                "bucket_arn": self.bucket_arn,
                "table_name": self.table_name,
                "table_arn": self.table_arn,
                "queue_url": self.queue_url,
                "queue_arn": self.queue_arn,
                "dlq_arn": self.dlq_arn,
            }
        )

    def _create_key(self) -> aws.kms.Key:
        root = pulumi.Output.concat("arn:aws:iam::", self._account_id, ":root")
        key_policy = policies.document(
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:*",
                "Resource": "*",
            },
            S3_NOTIFICATIONS_KEY_STATEMENT,
            {
                # The functions' log groups are encrypted with this key too.
                "Sid": "CloudWatchLogsEncryptsLogGroups",
                "Effect": "Allow",
                "Principal": {
                    "Service": pulumi.Output.concat("logs.", self._region, ".amazonaws.com")
                },
                "Action": [
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": pulumi.Output.concat(
                            "arn:aws:logs:", self._region, ":", self._account_id, ":log-group:*"
                        )
                    }
                },
            },
        )
        key = aws.kms.Key(
            f"{self._name}-key",
            description=f"{self._name}: documents, queues, table and logs",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=policies.to_json(key_policy),
            tags=self._tags,
            opts=self._data,
        )
        aws.kms.Alias(
            f"{self._name}-key-alias",
            name_prefix=f"alias/{self._name}-",
            target_key_id=key.key_id,
            opts=self._child,
        )
        return key

    def _create_bucket(self) -> aws.s3.Bucket:
        args = self._args
        bucket = private_bucket(
            f"{self._name}-documents",
            tags=self._tags,
            kms_key_arn=self.key.arn,
            # A versioned bucket is never empty after use: without force_destroy an
            # unprotected stack (dev) could not be destroyed.
            force_destroy=not args.deletion_protection,
            opts=self._data,
            child_opts=self._child,
        )
        versioning = aws.s3.BucketVersioning(
            f"{self._name}-documents-versioning",
            bucket=bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=self._child,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{self._name}-documents-lifecycle",
            bucket=bucket.id,
            rules=[
                {
                    "id": "expire-noncurrent-versions",
                    "status": "Enabled",
                    "filter": {},
                    "noncurrent_version_expiration": {
                        "noncurrent_days": args.noncurrent_version_days
                    },
                    "expiration": {"expired_object_delete_marker": True},
                },
                {
                    "id": "abort-incomplete-uploads",
                    "status": "Enabled",
                    "filter": {},
                    "abort_incomplete_multipart_upload": {
                        "days_after_initiation": args.abort_incomplete_upload_days
                    },
                },
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        aws.s3.BucketCorsConfiguration(
            f"{self._name}-documents-cors",
            bucket=bucket.id,
            cors_rules=[
                {
                    # Browsers upload with a presigned POST and never read objects directly.
                    "allowed_methods": ["POST"],
                    "allowed_origins": args.cors_origins,
                    "allowed_headers": ["*"],
                    "expose_headers": ["ETag"],
                    "max_age_seconds": 3000,
                }
            ],
            opts=self._child,
        )
        bucket_policy(f"{self._name}-documents", bucket, opts=self._child)
        return bucket

    def _create_queues(self) -> tuple[aws.sqs.Queue, aws.sqs.Queue]:
        encryption = {"kms_master_key_id": self.key.arn, "kms_data_key_reuse_period_seconds": 300}
        dlq = aws.sqs.Queue(
            f"{self._name}-ingest-dlq",
            visibility_timeout_seconds=layout.visibility_timeout_seconds(
                self._args.dead_letter_timeout_seconds
            ),
            message_retention_seconds=layout.DLQ_RETENTION_SECONDS,
            tags=self._tags,
            opts=self._child,
            **encryption,
        )
        queue = aws.sqs.Queue(
            f"{self._name}-ingest",
            visibility_timeout_seconds=layout.visibility_timeout_seconds(
                self._args.worker_timeout_seconds
            ),
            message_retention_seconds=layout.MESSAGE_RETENTION_SECONDS,
            receive_wait_time_seconds=20,
            redrive_policy=dlq.arn.apply(
                lambda arn: json.dumps(
                    {"deadLetterTargetArn": arn, "maxReceiveCount": layout.MAX_RECEIVE_COUNT}
                )
            ),
            tags=self._tags,
            opts=self._child,
            **encryption,
        )
        aws.sqs.RedriveAllowPolicy(
            f"{self._name}-ingest-dlq-redrive-allow",
            queue_url=dlq.url,
            redrive_allow_policy=queue.arn.apply(
                lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})
            ),
            opts=self._child,
        )
        aws.sqs.QueuePolicy(
            f"{self._name}-ingest-dlq-policy",
            queue_url=dlq.url,
            policy=policies.to_json(
                policies.document(policies.deny_insecure_transport("sqs:*", [dlq.arn]))
            ),
            opts=self._child,
        )
        return dlq, queue

    def _create_notifications(self) -> None:
        queue_policy = policies.document(
            policies.deny_insecure_transport("sqs:*", [self.queue.arn]),
            {
                "Sid": "DocumentsBucketNotifies",
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": self.queue.arn,
                "Condition": {
                    "ArnEquals": {"aws:SourceArn": self.bucket.arn},
                    "StringEquals": {"aws:SourceAccount": self._account_id},
                },
            },
        )
        allow_bucket = aws.sqs.QueuePolicy(
            f"{self._name}-ingest-policy",
            queue_url=self.queue.url,
            policy=policies.to_json(queue_policy),
            opts=self._child,
        )
        aws.s3.BucketNotification(
            f"{self._name}-documents-notification",
            bucket=self.bucket.id,
            queues=[
                {
                    "queue_arn": self.queue.arn,
                    "events": list(layout.NOTIFICATION_EVENTS),
                    "filter_prefix": layout.NOTIFICATION_FILTER_PREFIX,
                }
            ],
            # S3 checks that it may send to the queue when the notification is created.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[allow_bucket]),
        )

    def _create_table(self) -> aws.dynamodb.Table:
        return aws.dynamodb.Table(
            f"{self._name}-table",
            billing_mode="PAY_PER_REQUEST",
            hash_key=layout.PARTITION_KEY,
            range_key=layout.SORT_KEY,
            attributes=[{"name": name, "type": kind} for name, kind in layout.KEY_ATTRIBUTES],
            point_in_time_recovery={"enabled": True},
            server_side_encryption={"enabled": True, "kms_key_arn": self.key.arn},
            ttl={"attribute_name": layout.TTL_ATTRIBUTE, "enabled": True},
            deletion_protection_enabled=self._args.deletion_protection,
            tags=self._tags,
            opts=self._data,
        )

    def _create_backups(self) -> None:
        vault = aws.backup.Vault(
            f"{self._name}-backup-vault",
            kms_key_arn=self.key.arn,
            tags=self._tags,
            opts=self._data,
        )
        plan = aws.backup.Plan(
            f"{self._name}-backup-plan",
            rules=[
                {
                    "rule_name": "daily",
                    "target_vault_name": vault.name,
                    "schedule": "cron(0 3 * * ? *)",
                    "lifecycle": {"delete_after": self._args.backup_retention_days},
                }
            ],
            tags=self._tags,
            opts=self._child,
        )
        role = aws.iam.Role(
            f"{self._name}-backup-role",
            assume_role_policy=policies.assume_role_policy("backup.amazonaws.com"),
            tags=self._tags,
            opts=self._child,
        )
        for suffix, policy in _BACKUP_MANAGED_POLICIES.items():
            aws.iam.RolePolicyAttachment(
                f"{self._name}-backup-{suffix}",
                role=role.name,
                policy_arn=policy,
                opts=self._child,
            )
        aws.backup.Selection(
            f"{self._name}-backup-selection",
            plan_id=plan.id,
            iam_role_arn=role.arn,
            resources=[self.table.arn, self.bucket.arn],
            opts=self._child,
        )


_BACKUP_MANAGED_POLICIES: Mapping[str, str] = {
    "backup": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "restore": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "s3-backup": "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "s3-restore": "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
}
