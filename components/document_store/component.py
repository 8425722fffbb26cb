"""DocumentStore: where users' documents and everything derived from them live.

A customer-managed KMS key encrypts all of it: the documents bucket, the ingest queue and
its dead-letter queue, and the single DynamoDB table. Key names, the bucket layout and the
queue settings come from `handlers.core.contracts.layout`, the module the handlers use too.
Each group of resources is declared by its own module (`key.py`, `bucket.py`, `queues.py`,
`table.py`, `backups.py`); this one wires them together and names the outputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.document_store.backups import create_backups
from components.document_store.bucket import create_documents_bucket
from components.document_store.key import create_key
from components.document_store.queues import create_notifications, create_queues
from components.document_store.scope import StoreScope
from components.document_store.table import create_table
from components.tags import component_tags


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
        invoke = pulumi.InvokeOutputOptions(parent=self)
        scope = StoreScope(
            name=name,
            tags=component_tags(args.tags, "document-store"),
            child=pulumi.ResourceOptions(parent=self),
            # Losing the key, the bucket or the table loses users' data.
            data=pulumi.ResourceOptions(
                parent=self,
                protect=args.deletion_protection,
                retain_on_delete=args.deletion_protection,
            ),
            account_id=aws.get_caller_identity_output(opts=invoke).account_id,
            region=aws.get_region_output(opts=invoke).region,
        )

        self.key = create_key(scope)
        self.bucket = create_documents_bucket(
            scope,
            key_arn=self.key.arn,
            cors_origins=args.cors_origins,
            # A versioned bucket is never empty after use: without force_destroy an
            # unprotected stack (dev) could not be destroyed.
            force_destroy=not args.deletion_protection,
            noncurrent_version_days=args.noncurrent_version_days,
            abort_incomplete_upload_days=args.abort_incomplete_upload_days,
        )
        self.dlq, self.queue = create_queues(
            scope,
            key_arn=self.key.arn,
            worker_timeout_seconds=args.worker_timeout_seconds,
            dead_letter_timeout_seconds=args.dead_letter_timeout_seconds,
        )
        create_notifications(scope, self.bucket, self.queue)
        self.table = create_table(
            scope, key_arn=self.key.arn, deletion_protection=args.deletion_protection
        )
        if args.backups:
            create_backups(
                scope,
                key_arn=self.key.arn,
                retention_days=args.backup_retention_days,
                resources=[self.table.arn, self.bucket.arn],
            )

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
