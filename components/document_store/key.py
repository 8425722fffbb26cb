"""The customer-managed KMS key that encrypts the bucket, the queues, the table and the logs."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components import policies
from components.document_store.scope import StoreScope

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


def create_key(scope: StoreScope) -> aws.kms.Key:
    root = pulumi.Output.concat("arn:aws:iam::", scope.account_id, ":root")
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
            "Principal": {"Service": pulumi.Output.concat("logs.", scope.region, ".amazonaws.com")},
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
                        "arn:aws:logs:", scope.region, ":", scope.account_id, ":log-group:*"
                    )
                }
            },
        },
    )
    key = aws.kms.Key(
        f"{scope.name}-key",
        description=f"{scope.name}: documents, queues, table and logs",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=policies.to_json(key_policy),
        tags=scope.tags,
        opts=scope.data,
    )
    aws.kms.Alias(
        f"{scope.name}-key-alias",
        name_prefix=f"alias/{scope.name}-",
        target_key_id=key.key_id,
        opts=scope.child,
    )
    return key
