"""FrontendSite's access-log bucket (the assets bucket is a plain `private_bucket`)."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.private_bucket import bucket_policy, expire_objects, objects_arn, private_bucket

ACCESS_LOG_DAYS = 90


def access_log_bucket(
    name: str,
    *,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
    account_id: pulumi.Input[str],
    force_destroy: bool = False,
) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
    """A private bucket that CloudWatch log delivery (CloudFront standard logging v2) writes to.

    v2 delivers with a bucket policy, so the bucket keeps BucketOwnerEnforced; standard
    logging v1 would need ACLs (BucketOwnerPreferred) on it.
    """
    bucket = private_bucket(name, tags=tags, opts=opts, force_destroy=force_destroy)
    expire_objects(
        f"{name}-lifecycle", bucket, rule_id="expire-access-logs", days=ACCESS_LOG_DAYS, opts=opts
    )
    objects = objects_arn(bucket)
    policy = bucket_policy(
        name,
        bucket,
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
        opts=opts,
    )
    return bucket, policy
