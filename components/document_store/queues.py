"""The ingest queue, its dead-letter queue, and the bucket's notifications into the queue."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components import policies
from components.document_store.scope import StoreScope
from handlers.core.contracts import layout


def create_queues(
    scope: StoreScope,
    *,
    key_arn: pulumi.Input[str],
    worker_timeout_seconds: int,
    dead_letter_timeout_seconds: int,
) -> tuple[aws.sqs.Queue, aws.sqs.Queue]:
    """The dead-letter queue and the ingest queue that redrives into it."""
    encryption = {"kms_master_key_id": key_arn, "kms_data_key_reuse_period_seconds": 300}
    dlq = aws.sqs.Queue(
        f"{scope.name}-ingest-dlq",
        visibility_timeout_seconds=layout.visibility_timeout_seconds(dead_letter_timeout_seconds),
        message_retention_seconds=layout.DLQ_RETENTION_SECONDS,
        tags=scope.tags,
        opts=scope.child,
        **encryption,
    )
    queue = aws.sqs.Queue(
        f"{scope.name}-ingest",
        visibility_timeout_seconds=layout.visibility_timeout_seconds(worker_timeout_seconds),
        message_retention_seconds=layout.MESSAGE_RETENTION_SECONDS,
        receive_wait_time_seconds=20,
        redrive_policy=dlq.arn.apply(
            lambda arn: json.dumps(
                {"deadLetterTargetArn": arn, "maxReceiveCount": layout.MAX_RECEIVE_COUNT}
            )
        ),
        tags=scope.tags,
        opts=scope.child,
        **encryption,
    )
    aws.sqs.RedriveAllowPolicy(
        f"{scope.name}-ingest-dlq-redrive-allow",
        queue_url=dlq.url,
        redrive_allow_policy=queue.arn.apply(
            lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})
        ),
        opts=scope.child,
    )
    aws.sqs.QueuePolicy(
        f"{scope.name}-ingest-dlq-policy",
        queue_url=dlq.url,
        policy=policies.to_json(
            policies.document(policies.deny_insecure_transport("sqs:*", [dlq.arn]))
        ),
        opts=scope.child,
    )
    return dlq, queue


def create_notifications(scope: StoreScope, bucket: aws.s3.Bucket, queue: aws.sqs.Queue) -> None:
    """S3 tells the ingest queue about every new raw upload; only this bucket may send."""
    queue_policy = policies.document(
        policies.deny_insecure_transport("sqs:*", [queue.arn]),
        {
            "Sid": "DocumentsBucketNotifies",
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue.arn,
            "Condition": {
                "ArnEquals": {"aws:SourceArn": bucket.arn},
                "StringEquals": {"aws:SourceAccount": scope.account_id},
            },
        },
    )
    allow_bucket = aws.sqs.QueuePolicy(
        f"{scope.name}-ingest-policy",
        queue_url=queue.url,
        policy=policies.to_json(queue_policy),
        opts=scope.child,
    )
    aws.s3.BucketNotification(
        f"{scope.name}-documents-notification",
        bucket=bucket.id,
        queues=[
            {
                "queue_arn": queue.arn,
                "events": list(layout.NOTIFICATION_EVENTS),
                "filter_prefix": layout.NOTIFICATION_FILTER_PREFIX,
            }
        ],
        # S3 checks that it may send to the queue when the notification is created.
        opts=pulumi.ResourceOptions.merge(
            scope.child, pulumi.ResourceOptions(depends_on=[allow_bucket])
        ),
    )
