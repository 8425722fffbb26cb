"""Helpers to read what the program declared: policies and their statements."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from policy.doc_agent_guardrails.values import as_list, statements
from tests.infra.pulumi_mocks import Registered

if TYPE_CHECKING:
    from tests.infra.program import StackRun


def policy(resource: Registered, key: str = "policy") -> dict[str, Any]:
    value = resource.inputs[key]
    parsed: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return parsed


def denies_insecure_transport(doc: dict[str, Any], resource_arn: str) -> bool:
    for statement in statements(doc):
        condition = statement.get("Condition", {}).get("Bool", {})
        if (
            statement["Effect"] == "Deny"
            and statement.get("Principal") == "*"
            and condition.get("aws:SecureTransport") == "false"
            and resource_arn in as_list(statement["Resource"])
        ):
            return True
    return False


def for_bucket(run: StackRun, token: str, bucket: Registered) -> Registered:
    """The one resource of type `token` attached to `bucket`."""
    matches = run.by_input(token, "bucket", bucket.outputs["bucket"])
    assert len(matches) == 1, f"{bucket.name}: {len(matches)} {token}"
    return matches[0]


def assert_private_and_owner_enforced(run: StackRun, bucket: Registered) -> None:
    """Every public-access block on, and object ownership enforced (no ACLs)."""
    block = for_bucket(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)
    assert all(
        block.inputs[flag]
        for flag in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    ), bucket.name
    ownership = for_bucket(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket)
    assert ownership.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced"
