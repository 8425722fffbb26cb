"""Each function's IAM policy: exactly the actions it calls, on exactly its resources.

Built as dicts from the store's ARNs (Outputs resolve inside `policies.to_json`). The
only `*` resource is X-Ray's, which has no resource-level permissions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components import policies
from handlers.core.contracts import layout


@dataclass(frozen=True)
class StoreAccess:
    """The DocumentStore resources a function may touch."""

    table_arn: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    key_arn: pulumi.Input[str]
    queue_arn: pulumi.Input[str]


def _objects(bucket_arn: pulumi.Input[str], prefix: str) -> pulumi.Output[str]:
    return pulumi.Output.concat(bucket_arn, "/", prefix, "*")


def _logs(log_group_arn: pulumi.Input[str]) -> policies.Statement:
    return {
        "Sid": "WriteOwnLogs",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": pulumi.Output.concat(log_group_arn, ":*"),
    }


_TRACING: policies.Statement = {
    "Sid": "Tracing",
    "Effect": "Allow",
    "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    # X-Ray has no resource-level permissions.
    "Resource": "*",
}


def _table(store: StoreAccess, *actions: str) -> policies.Statement:
    return {
        "Sid": "Table",
        "Effect": "Allow",
        "Action": [f"dynamodb:{action}" for action in actions],
        "Resource": store.table_arn,
    }


def _key(store: StoreAccess, *actions: str) -> policies.Statement:
    return {
        "Sid": "DocumentsKey",
        "Effect": "Allow",
        "Action": [f"kms:{action}" for action in actions],
        "Resource": store.key_arn,
    }


def consume_queue(sid: str, queue_arn: pulumi.Input[str]) -> policies.Statement:
    """What Lambda's SQS event-source mapping calls with the function's role (AWS's
    AWSLambdaSQSQueueExecutionRole): no handler changes a message's visibility itself."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        "Resource": queue_arn,
    }


def _secret(secret_arn: pulumi.Input[str] | None) -> list[policies.Statement]:
    if secret_arn is None:
        return []
    return [
        {
            "Sid": "ReadLlmKey",
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": secret_arn,
        }
    ]


def _list(store: StoreAccess, *prefixes: str) -> policies.Statement:
    """ListObjectVersions (s3:ListBucketVersions) under the document prefixes only."""
    return {
        "Sid": "ListDocumentFiles",
        "Effect": "Allow",
        "Action": ["s3:ListBucket", "s3:ListBucketVersions"],
        "Resource": store.bucket_arn,
        "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*" for prefix in prefixes]}},
    }


def _delete_document_files(store: StoreAccess) -> list[policies.Statement]:
    """What `DocumentFiles.delete_document_objects` calls: ListObjectVersions, DeleteObjects."""
    return [
        {
            "Sid": "DeleteDocumentFiles",
            "Effect": "Allow",
            "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            "Resource": [
                _objects(store.bucket_arn, layout.RAW_PREFIX),
                _objects(store.bucket_arn, layout.DERIVED_PREFIX),
            ],
        },
        _list(store, layout.RAW_PREFIX, layout.DERIVED_PREFIX),
    ]


def _describe_secret(secret_arn: pulumi.Input[str] | None) -> list[policies.Statement]:
    """`GET /health` checks the model secret exists: DescribeSecret, never its value."""
    if secret_arn is None:
        return []
    return [
        {
            "Sid": "DescribeLlmKey",
            "Effect": "Allow",
            "Action": "secretsmanager:DescribeSecret",
            "Resource": secret_arn,
        }
    ]


def api_policy(
    store: StoreAccess,
    log_group_arn: pulumi.Input[str],
    secret_arn: pulumi.Input[str] | None = None,
) -> policies.PolicyDocument:
    """Documents routes: items, presigned uploads and downloads, and deletion of a document;
    `GET /health`'s probes (a GetItem, a ListObjectsV2 under raw/, DescribeSecret)."""
    raw = _objects(store.bucket_arn, layout.RAW_PREFIX)
    return policies.document(
        _logs(log_group_arn),
        _TRACING,
        _table(store, "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"),
        {
            # A presigned POST/GET acts with the signer's permissions.
            "Sid": "UploadAndReadRaw",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:GetObject"],
            "Resource": raw,
        },
        *_delete_document_files(store),
        _key(store, "Decrypt", "GenerateDataKey"),
        *_describe_secret(secret_arn),
    )


def ingest_policy(
    store: StoreAccess,
    log_group_arn: pulumi.Input[str],
    secret_arn: pulumi.Input[str] | None,
) -> policies.PolicyDocument:
    """The SQS worker: read a raw upload, write derived files, update the document item."""
    return policies.document(
        _logs(log_group_arn),
        _TRACING,
        consume_queue("ConsumeIngestQueue", store.queue_arn),
        _table(store, "GetItem", "UpdateItem"),
        {
            "Sid": "ReadRaw",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": _objects(store.bucket_arn, layout.RAW_PREFIX),
        },
        {
            "Sid": "WriteDerived",
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": _objects(store.bucket_arn, layout.DERIVED_PREFIX),
        },
        # An upload whose document was deleted is removed, and so are derived files
        # written while it was being deleted (`handlers.core.ingest.service.ingest_object`).
        *_delete_document_files(store),
        _key(store, "Decrypt", "GenerateDataKey"),
        *_secret(secret_arn),
    )


def agent_policy(
    store: StoreAccess,
    log_group_arn: pulumi.Input[str],
    secret_arn: pulumi.Input[str] | None,
) -> policies.PolicyDocument:
    """Conversations: items, quotas, and reading derived chunks and embeddings."""
    return policies.document(
        _logs(log_group_arn),
        _TRACING,
        _table(
            store,
            "GetItem",
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "Query",
            "BatchWriteItem",
        ),
        {
            "Sid": "ReadDerived",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": _objects(store.bucket_arn, layout.DERIVED_PREFIX),
        },
        _key(store, "Decrypt"),
        *_secret(secret_arn),
    )
