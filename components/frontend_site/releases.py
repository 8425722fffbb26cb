"""The site's releases, kept addressable for rollback (`ops/rollback.py`).

The assets bucket is versioned, and each deploy writes a manifest,
`_releases/<release>.json`: every key of that release with the object version it uploaded.
Rolling back copies each key's listed version over the current one and invalidates the
distribution; nothing else changes (no origin path to move, no Pulumi state to edit), and
the next `pulumi up` uploads its own release as usual.

Chosen over release prefixes behind the distribution's origin path: a prefix per release
uploads every file again on each deploy and needs a distribution update (minutes to
propagate) to roll back, where versions keep unchanged files as they are and a rollback is
a few copies. Noncurrent versions are kept for KEEP_DAYS and at least KEEP_RELEASES deep.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

RELEASES_PREFIX = "_releases/"
KEEP_DAYS = 90
KEEP_RELEASES = 10


def manifest_key(release: str) -> str:
    return f"{RELEASES_PREFIX}{release}.json"


def enable_releases(
    name: str, bucket: aws.s3.Bucket, opts: pulumi.ResourceOptions
) -> aws.s3.BucketVersioning:
    """Versioning (before any upload, so every object has a version id) and the expiry of
    superseded versions. Returns what the uploads must wait for."""
    versioning = aws.s3.BucketVersioning(
        f"{name}-versioning",
        bucket=bucket.id,
        versioning_configuration={"status": "Enabled"},
        opts=opts,
    )
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-releases-lifecycle",
        bucket=bucket.id,
        rules=[
            {
                "id": "keep-recent-releases",
                "status": "Enabled",
                "filter": {},
                "noncurrent_version_expiration": {
                    "noncurrent_days": KEEP_DAYS,
                    "newer_noncurrent_versions": KEEP_RELEASES,
                },
            }
        ],
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[versioning])),
    )
    return versioning


def write_manifest(
    name: str,
    bucket: aws.s3.Bucket,
    release: str,
    objects: Mapping[str, aws.s3.BucketObjectv2],
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.s3.BucketObjectv2:
    keys = sorted(objects)
    content = pulumi.Output.all(*[objects[key].version_id for key in keys]).apply(
        lambda versions: json.dumps(
            {"release": release, "objects": dict(zip(keys, versions, strict=True))},
            indent=1,
            sort_keys=True,
        )
    )
    return aws.s3.BucketObjectv2(
        f"{name}-release-manifest",
        bucket=bucket.id,
        key=manifest_key(release),
        content=content,
        content_type="application/json",
        cache_control="no-store",
        tags=dict(tags),
        # Each release's manifest stays when the next deploy writes its own.
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(retain_on_delete=True)),
    )
