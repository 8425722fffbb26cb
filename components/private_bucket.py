"""Private S3 buckets, the one way this program makes them.

No public access (all four settings), no ACLs (bucket-owner enforced), encryption by
default, and a policy that refuses any request without TLS 1.2 or newer. Every bucket of
every component comes from here, and `tests/infra/test_document_store.py` checks them all.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components import policies


def private_bucket(
    name: str,
    *,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
    kms_key_arn: pulumi.Input[str] | None = None,
    force_destroy: bool = False,
    child_opts: pulumi.ResourceOptions | None = None,
) -> aws.s3.Bucket:
    """A bucket nobody reaches but through its policy.

    `kms_key_arn`: SSE-KMS with a bucket key; None: SSE-S3. `opts` apply to the bucket
    itself (e.g. `protect`), `child_opts` (default: `opts`) to its settings.
    """
    settings = child_opts or opts
    bucket = aws.s3.Bucket(name, force_destroy=force_destroy, tags=dict(tags), opts=opts)
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=settings,
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket.id,
        rule={"object_ownership": "BucketOwnerEnforced"},
        opts=settings,
    )
    encryption: dict[str, object] = (
        {
            "apply_server_side_encryption_by_default": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": kms_key_arn,
            },
            # One data key per bucket instead of one KMS call per object.
            "bucket_key_enabled": True,
        }
        if kms_key_arn is not None
        else {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption", bucket=bucket.id, rules=[encryption], opts=settings
    )
    return bucket


def bucket_policy(
    name: str,
    bucket: aws.s3.Bucket,
    *grants: policies.Statement,
    opts: pulumi.ResourceOptions,
) -> aws.s3.BucketPolicy:
    """The bucket's policy: TLS 1.2+ only, then `grants`."""
    resources = [bucket.arn, objects_arn(bucket)]
    document = policies.document(
        policies.deny_insecure_transport("s3:*", resources),
        {
            "Sid": "DenyOutdatedTls",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": resources,
            "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
        },
        *grants,
    )
    return aws.s3.BucketPolicy(
        f"{name}-policy", bucket=bucket.id, policy=policies.to_json(document), opts=opts
    )


def expire_objects(
    name: str,
    bucket: aws.s3.Bucket,
    *,
    rule_id: str,
    days: int,
    opts: pulumi.ResourceOptions,
) -> aws.s3.BucketLifecycleConfiguration:
    """Every object of the bucket deleted `days` after it was written (logs, run artifacts:
    buckets written only by a service, never versioned)."""
    return aws.s3.BucketLifecycleConfiguration(
        name,
        bucket=bucket.id,
        rules=[{"id": rule_id, "status": "Enabled", "filter": {}, "expiration": {"days": days}}],
        opts=opts,
    )


def objects_arn(bucket: aws.s3.Bucket) -> pulumi.Output[str]:
    return pulumi.Output.concat(bucket.arn, "/*")
