"""FrontendSite's buckets: private, owner-enforced, SSE-S3, and one that receives access logs."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components import policies

ACCESS_LOG_DAYS = 90


def private_bucket(
    name: str, *, tags: Mapping[str, str], opts: pulumi.ResourceOptions, force_destroy: bool
) -> aws.s3.Bucket:
    """A bucket nobody reaches but through its policy: no public access, no ACLs."""
    bucket = aws.s3.Bucket(name, force_destroy=force_destroy, tags=dict(tags), opts=opts)
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=opts,
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket.id,
        rule={"object_ownership": "BucketOwnerEnforced"},
        opts=opts,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        # SSE-S3: the site's files are public by design and access logs hold no secrets;
        # a KMS key would need key-policy grants for CloudFront and log delivery, for nothing.
        rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
        opts=opts,
    )
    return bucket


def access_log_bucket(
    name: str,
    *,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
    account_id: pulumi.Input[str],
) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
    """A private bucket that CloudWatch log delivery (CloudFront standard logging v2) writes to.

    v2 delivers with a bucket policy, so the bucket keeps BucketOwnerEnforced; standard
    logging v1 would need ACLs (BucketOwnerPreferred) on it.
    """
    bucket = private_bucket(name, tags=tags, opts=opts, force_destroy=False)
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-lifecycle",
        bucket=bucket.id,
        rules=[
            {
                "id": "expire-access-logs",
                "status": "Enabled",
                "filter": {},
                "expiration": {"days": ACCESS_LOG_DAYS},
            }
        ],
        opts=opts,
    )
    objects = pulumi.Output.concat(bucket.arn, "/*")
    bucket_policy = policies.document(
        policies.deny_insecure_transport("s3:*", [bucket.arn, objects]),
        {
            "Sid": "AllowLogDeliveryFromThisAccount",
            "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": objects,
            "Condition": {
                "StringEquals": {
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "aws:SourceAccount": account_id,
                },
                # CloudFront's delivery sources exist in us-east-1 only.
                "ArnLike": {
                    "aws:SourceArn": pulumi.Output.concat(
                        "arn:aws:logs:us-east-1:", account_id, ":delivery-source:*"
                    )
                },
            },
        },
    )
    policy = aws.s3.BucketPolicy(
        f"{name}-policy", bucket=bucket.id, policy=policies.to_json(bucket_policy), opts=opts
    )
    return bucket, policy
