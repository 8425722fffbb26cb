"""The Doc Agent stack: read the config once, build each component's args, wire them up."""

import pulumi

from components.config import load_config
from components.document_store import DocumentStore, DocumentStoreArgs
from components.tags import stack_tags

config = load_config()
tags = stack_tags(pulumi.get_stack(), config.tags)

store = DocumentStore(
    "store",
    DocumentStoreArgs(
        worker_timeout_seconds=config.functions.ingest.timeout_seconds,
        cors_origins=list(config.site.allowed_origins),
        tags=tags,
        deletion_protection=config.data.deletion_protection,
        backups=config.data.backups,
        backup_retention_days=config.data.backup_retention_days,
        noncurrent_version_days=config.data.noncurrent_version_days,
        abort_incomplete_upload_days=config.data.abort_incomplete_upload_days,
    ),
)

pulumi.export("region", config.region)
pulumi.export("documentsBucket", store.bucket_name)
pulumi.export("table", store.table_name)
pulumi.export("ingestQueueUrl", store.queue_url)
pulumi.export("ingestDlqUrl", store.dlq_url)
