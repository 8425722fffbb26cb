"""The bucket rule over a whole stack: each bucket's public access block, encryption and TLS policy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policy.doc_agent_guardrails.rules import PUBLIC_ACCESS_BLOCK
from policy.doc_agent_guardrails.stack_rules import (
    BUCKET_POLICY,
    ENCRYPTION_CONFIGS,
    buckets_fully_guarded,
)
from policy.doc_agent_guardrails.values import UNKNOWN
from tests.infra.program import StackRun
from tests.policy.conftest import stack_resources

Resource = tuple[str, str, dict[str, Any]]
DOCUMENTS = "store-documents"
NO_BLOCK = (
    f"S3 bucket {DOCUMENTS} has no public access block: add an aws.s3.BucketPublicAccessBlock "
    "for it with all four settings True"
)
NO_ENCRYPTION = (
    f"S3 bucket {DOCUMENTS} has no default encryption: add an "
    "aws.s3.BucketServerSideEncryptionConfiguration for it (SSE-KMS or AES256)"
)
NO_TLS = (
    f"S3 bucket {DOCUMENTS} allows requests without TLS: give it an aws.s3.BucketPolicy with a "
    "Deny of s3:* on the bucket and its objects for any principal when aws:SecureTransport is false"
)


def _without(resources: list[Resource], token: str, bucket: str) -> list[Resource]:
    kept = [r for r in resources if not (r[0] == token and r[2].get("bucket") == bucket)]
    assert len(kept) == len(resources) - 1, token
    return kept


def _documents_bucket_name(run: StackRun) -> str:
    name: str = run.named(DOCUMENTS).outputs["bucket"]
    return name


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (PUBLIC_ACCESS_BLOCK, NO_BLOCK),
        (next(iter(sorted(ENCRYPTION_CONFIGS))), NO_ENCRYPTION),
        (BUCKET_POLICY, NO_TLS),
    ],
)
def test_a_bucket_missing_an_attachment_fails(stack: StackRun, token: str, expected: str) -> None:
    # Given the real stack without one of the documents bucket's attachments
    resources = _without(stack_resources(stack), token, _documents_bucket_name(stack))
    # Then exactly that bucket and that attachment are reported
    assert buckets_fully_guarded(resources) == [expected]


def test_a_bucket_policy_without_the_tls_deny_fails(stack: StackRun) -> None:
    bucket = _documents_bucket_name(stack)
    resources = stack_resources(stack)
    for _, _, props in resources:
        if props.get("bucket") == bucket and "policy" in props:
            document = json.loads(props["policy"])
            document["Statement"] = [
                s for s in document["Statement"] if "aws:SecureTransport" not in json.dumps(s)
            ]
            props["policy"] = json.dumps(document)
    assert buckets_fully_guarded(resources) == [NO_TLS]


def test_a_tls_deny_on_another_bucket_does_not_count(stack: StackRun) -> None:
    bucket = _documents_bucket_name(stack)
    resources = stack_resources(stack)
    for _, _, props in resources:
        if props.get("bucket") == bucket and "policy" in props:
            props["policy"] = props["policy"].replace(f":::{bucket}", ":::someone-elses-bucket")
    assert buckets_fully_guarded(resources) == [NO_TLS]


def test_attachments_naming_an_unknown_bucket_leave_the_rule_unable_to_judge(
    stack: StackRun,
) -> None:
    # Given a preview where the attachments' `bucket` (the bucket's id) is not known yet
    resources = stack_resources(stack)
    for token, _, props in resources:
        if token in {PUBLIC_ACCESS_BLOCK, BUCKET_POLICY} | ENCRYPTION_CONFIGS:
            props["bucket"] = UNKNOWN
    # Then no bucket is reported as lacking them
    assert buckets_fully_guarded(resources) == []


def test_an_unknown_bucket_policy_document_is_not_judged(stack: StackRun) -> None:
    bucket = _documents_bucket_name(stack)
    resources = stack_resources(stack)
    for _, _, props in resources:
        if props.get("bucket") == bucket and "policy" in props:
            props["policy"] = UNKNOWN
    assert buckets_fully_guarded(resources) == []


def test_a_bucket_whose_name_is_unknown_is_not_judged() -> None:
    assert buckets_fully_guarded([("aws:s3/bucket:Bucket", "b", {"bucket": UNKNOWN})]) == []
