"""Roll a stack back fast: every function's `live` alias to the previous published version,
the site to the previous release, and a CloudFront invalidation.

    make rollback STACK=prod                       # one release back
    make rollback STACK=prod TO=2026-11-30T18:00Z  # what was live at that time
    python -m ops.rollback --stack prod --dry-run  # print the plan only

"Previous" is counted from the newest deploy, not from what is live now, so running the
command twice is the same as running it once; to go further back, name a time with TO.
Functions without a `live` alias (a stack without `functions.snapStart`) and a site without
release manifests are reported and left alone: for those, the slow path is the pipeline
(revert the commit, or `pulumi up` an earlier commit; docs/operations.md#rollback).
The next `pulumi up` moves the aliases and the site forward again, as it should.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from components.frontend_site.releases import RELEASES_PREFIX
from ops.aws import client
from ops.outputs import load_outputs

ALIAS = "live"


class RollbackError(RuntimeError):
    """Nothing to roll back to; the message says what is missing."""


@dataclass(frozen=True)
class AliasMove:
    function: str
    from_version: str
    to_version: str


@dataclass(frozen=True)
class SiteRestore:
    release: str
    """The release (commit) whose files become current again."""
    objects: dict[str, str]
    """Key → version id of that release."""


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_LAMBDA_TIME = re.compile(
    r"^(?P<seconds>[^.]+?)(?:\.(?P<fraction>\d+))?(?P<zone>Z|[+-]\d\d:?\d\d)$"
)


def _modified(value: Any) -> datetime:
    """Lambda's LastModified (`2026-11-30T18:00:00.000+0000`) or S3's datetime."""
    if isinstance(value, datetime):
        return value
    found = _LAMBDA_TIME.match(str(value))
    if found is None:
        raise ValueError(f"not a Lambda timestamp: {value!r}")
    fraction = (found["fraction"] or "0")[:6].ljust(6, "0")
    zone = "+00:00" if found["zone"] == "Z" else found["zone"]
    return datetime.fromisoformat(f"{found['seconds']}.{fraction}{zone}")


def _pick(candidates: list[tuple[datetime, str]], to: datetime | None, what: str) -> str:
    """The second newest (`to` None) or the newest at or before `to`; oldest first input."""
    if to is None:
        if len(candidates) < 2:
            raise RollbackError(f"{what}: only one release, nothing to go back to")
        return candidates[-2][1]
    earlier = [name for moment, name in candidates if moment <= to]
    if not earlier:
        raise RollbackError(f"{what}: nothing was released at or before {to.isoformat()}")
    return earlier[-1]


def plan_alias(lambda_client: Any, function: str, to: datetime | None) -> AliasMove | None:
    """None when the function has no `live` alias."""
    try:
        alias = lambda_client.get_alias(FunctionName=function, Name=ALIAS)
    except lambda_client.exceptions.ResourceNotFoundException:
        return None
    versions: list[tuple[datetime, str]] = []
    for page in lambda_client.get_paginator("list_versions_by_function").paginate(
        FunctionName=function
    ):
        versions += [
            (_modified(v["LastModified"]), v["Version"])
            for v in page["Versions"]
            if v["Version"] != "$LATEST"
        ]
    versions.sort(key=lambda item: int(item[1]))
    target = _pick(versions, to, function)
    return AliasMove(function, str(alias["FunctionVersion"]), target)


def plan_site(s3: Any, bucket: str, to: datetime | None) -> SiteRestore | None:
    """None when the bucket holds no release manifests."""
    manifests: list[tuple[datetime, str]] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=RELEASES_PREFIX):
        manifests += [(m["LastModified"], m["Key"]) for m in page.get("Contents", [])]
    if not manifests:
        return None
    manifests.sort()
    key = _pick(manifests, to, f"site {bucket}")
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    return SiteRestore(release=str(manifest["release"]), objects=dict(manifest["objects"]))


def apply_alias(lambda_client: Any, move: AliasMove) -> None:
    if move.from_version != move.to_version:
        lambda_client.update_alias(
            FunctionName=move.function, Name=ALIAS, FunctionVersion=move.to_version
        )


def apply_site(s3: Any, bucket: str, restore: SiteRestore) -> int:
    """Copy each file's release version over the current one; returns how many changed."""
    copied = 0
    for key, version in sorted(restore.objects.items()):
        if _current_version(s3, bucket, key) == version:
            continue
        s3.copy_object(
            Bucket=bucket,
            Key=key,
            CopySource={"Bucket": bucket, "Key": key, "VersionId": version},
            MetadataDirective="COPY",
        )
        copied += 1
    return copied


def _current_version(s3: Any, bucket: str, key: str) -> str | None:
    """The current version's id; None when the key has no current version (deleted)."""
    from botocore.exceptions import ClientError

    try:
        return str(s3.head_object(Bucket=bucket, Key=key).get("VersionId"))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def invalidate(cloudfront: Any, distribution_id: str) -> str:
    response = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"rollback-{time.time_ns()}",
        },
    )
    return str(response["Invalidation"]["Id"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops.rollback", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--stack", help="the Pulumi stack (dev, prod)")
    parser.add_argument("--outputs", type=Path, help="a JSON file of the stack's outputs")
    parser.add_argument("--to", type=parse_time, help="roll back to what was live at this time")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    args = parser.parse_args(argv)
    outputs = load_outputs(args.stack, args.outputs)
    lambda_client = client("lambda", outputs.region)
    s3 = client("s3", outputs.region)
    try:
        moves = {
            key: plan_alias(lambda_client, name, args.to)
            for key, name in outputs.function_names.items()
        }
        site = plan_site(s3, outputs.site_bucket, args.to) if outputs.site_bucket else None
    except RollbackError as error:
        print(f"rollback refused: {error}", file=sys.stderr)
        return 1
    for key, move in moves.items():
        print(
            f"{key}: no `{ALIAS}` alias, left as it is"
            if move is None
            else f"{key}: {ALIAS} version {move.from_version} -> {move.to_version}"
        )
    print(
        "site: no release manifests, left as it is"
        if site is None
        else f"site: release {site.release}"
    )
    if args.dry_run:
        return 0
    for move in moves.values():
        if move is not None:
            apply_alias(lambda_client, move)
    if site is not None and outputs.site_bucket:
        copied = apply_site(s3, outputs.site_bucket, site)
        print(f"site: {copied} files restored")
        if outputs.site_distribution_id:
            # CloudFront is global; its API answers in us-east-1.
            invalidation = invalidate(
                client("cloudfront", "us-east-1"), outputs.site_distribution_id
            )
            print(f"site: invalidation {invalidation} of /* started")
    return 0


if __name__ == "__main__":
    sys.exit(main())
