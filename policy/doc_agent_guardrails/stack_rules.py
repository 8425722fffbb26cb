"""Rules over the whole stack: (type, name, props) of every resource -> violation messages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .rules import PUBLIC_ACCESS_BLOCK
from .values import NotJson, Props, as_list, is_unknown, json_document, statements

StackResource = tuple[str, str, Props]
"""A resource as a stack rule sees it: type token, logical name, props (its state)."""

BUCKETS = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
ENCRYPTION_CONFIGS = frozenset(
    {
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    }
)
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


@dataclass
class _Attached:
    """The resources of one kind attached to buckets, by the bucket they name."""

    by_bucket: dict[str, list[Props]] = field(default_factory=lambda: defaultdict(list))
    some_unknown: bool = False
    """One of them names a bucket not known yet (during preview): it may be any bucket."""

    def lacks(self, bucket: str) -> bool:
        """Known to be missing for this bucket."""
        return not self.by_bucket.get(bucket) and not self.some_unknown


def _attached(resources: Sequence[StackResource], tokens: frozenset[str]) -> _Attached:
    found = _Attached()
    for token, _, props in resources:
        if token not in tokens:
            continue
        bucket = props.get("bucket")
        if is_unknown(bucket):
            found.some_unknown = True
        elif isinstance(bucket, str):
            found.by_bucket[bucket].append(props)
    return found


def _denies_insecure_transport(statement: Mapping[str, Any], bucket: str) -> bool:
    condition = statement.get("Condition")
    bool_condition = condition.get("Bool") if isinstance(condition, Mapping) else None
    secure = (
        bool_condition.get("aws:SecureTransport") if isinstance(bool_condition, Mapping) else None
    )
    principal = statement.get("Principal")
    resources = [str(resource) for resource in as_list(statement.get("Resource"))]
    actions = as_list(statement.get("Action"))
    return (
        statement.get("Effect") == "Deny"
        and str(secure).lower() == "false"
        and principal in ("*", {"AWS": "*"})
        and any(action in ("*", "s3:*") for action in actions)
        and ("*" in resources or {f":::{bucket}", f":::{bucket}/*"} <= _arn_tails(resources))
    )


def _arn_tails(arns: list[str]) -> set[str]:
    # arn:<partition>:s3:::<bucket>[/<key>]: compare from ":::" so any partition matches.
    return {arn[arn.find(":::") :] for arn in arns if ":::" in arn}


def _policy_state(policies: list[Props], bucket: str) -> bool | None:
    """Whether one of the bucket's policies denies insecure transport; None if not known yet."""
    unknown = False
    for props in policies:
        try:
            document = json_document(props.get("policy"))
        except NotJson:
            continue
        if document is None:
            unknown = True
        elif any(_denies_insecure_transport(s, bucket) for s in statements(document)):
            return True
    return None if unknown else False


def buckets_fully_guarded(resources: Sequence[StackResource]) -> list[str]:
    """Rule 1b: every bucket has a public access block, an SSE configuration and a bucket
    policy denying requests without TLS (`aws:SecureTransport` false), matched by the `bucket`
    prop (the bucket's name, which is also its id)."""
    blocks = _attached(resources, frozenset({PUBLIC_ACCESS_BLOCK}))
    encryption = _attached(resources, ENCRYPTION_CONFIGS)
    policies = _attached(resources, frozenset({BUCKET_POLICY}))
    found: list[str] = []
    for token, name, props in resources:
        bucket = props.get("bucket")
        if token not in BUCKETS or not isinstance(bucket, str) or is_unknown(bucket):
            continue
        if blocks.lacks(bucket):
            found.append(
                f"S3 bucket {name} has no public access block: add an "
                "aws.s3.BucketPublicAccessBlock for it with all four settings True"
            )
        if encryption.lacks(bucket):
            found.append(
                f"S3 bucket {name} has no default encryption: add an "
                "aws.s3.BucketServerSideEncryptionConfiguration for it (SSE-KMS or AES256)"
            )
        own = policies.by_bucket.get(bucket, [])
        if not own and policies.some_unknown:
            continue
        if not own or _policy_state(own, bucket) is False:
            found.append(
                f"S3 bucket {name} allows requests without TLS: give it an aws.s3.BucketPolicy "
                "with a Deny of s3:* on the bucket and its objects for any principal when "
                "aws:SecureTransport is false"
            )
    return found
