"""The documents bucket: private, KMS-encrypted, versioned, with lifecycle rules and CORS."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.document_store.definitions import DOCUMENTS_BUCKET_CORS
from components.document_store.scope import StoreScope
from components.private_bucket import bucket_policy, private_bucket


def create_documents_bucket(
    scope: StoreScope,
    *,
    key_arn: pulumi.Input[str],
    cors_origins: pulumi.Input[Sequence[str]],
    force_destroy: bool,
    noncurrent_version_days: int,
    abort_incomplete_upload_days: int,
) -> aws.s3.Bucket:
    bucket = private_bucket(
        f"{scope.name}-documents",
        tags=scope.tags,
        kms_key_arn=key_arn,
        force_destroy=force_destroy,
        opts=scope.data,
        child_opts=scope.child,
    )
    versioning = aws.s3.BucketVersioning(
        f"{scope.name}-documents-versioning",
        bucket=bucket.id,
        versioning_configuration={"status": "Enabled"},
        opts=scope.child,
    )
    aws.s3.BucketLifecycleConfiguration(
        f"{scope.name}-documents-lifecycle",
        bucket=bucket.id,
        rules=[
            {
                "id": "expire-noncurrent-versions",
                "status": "Enabled",
                "filter": {},
                "noncurrent_version_expiration": {"noncurrent_days": noncurrent_version_days},
                "expiration": {"expired_object_delete_marker": True},
            },
            {
                "id": "abort-incomplete-uploads",
                "status": "Enabled",
                "filter": {},
                "abort_incomplete_multipart_upload": {
                    "days_after_initiation": abort_incomplete_upload_days
                },
            },
        ],
        opts=pulumi.ResourceOptions.merge(
            scope.child, pulumi.ResourceOptions(depends_on=[versioning])
        ),
    )
    aws.s3.BucketCorsConfiguration(
        f"{scope.name}-documents-cors",
        bucket=bucket.id,
        cors_rules=[DOCUMENTS_BUCKET_CORS.as_pulumi(cors_origins)],
        opts=scope.child,
    )
    bucket_policy(f"{scope.name}-documents", bucket, opts=scope.child)
    return bucket
