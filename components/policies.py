"""Policy-document building blocks shared by the components (dicts, never JSON literals)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pulumi

PolicyDocument = dict[str, Any]
Statement = dict[str, Any]


def document(*statements: Statement) -> PolicyDocument:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny_insecure_transport(
    actions: str | Sequence[str], resources: Sequence[pulumi.Input[str]]
) -> Statement:
    """Refuse any request that does not use TLS (a resource policy statement)."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": actions,
        "Resource": list(resources),
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def to_json(doc: pulumi.Input[PolicyDocument]) -> pulumi.Output[str]:
    """Serialise a document whose values may be Outputs."""
    return pulumi.Output.from_input(doc).apply(
        lambda resolved: json.dumps(resolved, sort_keys=True)
    )


def assume_role_policy(service: str) -> str:
    """The trust policy that lets one AWS service (e.g. `lambda.amazonaws.com`) assume a role."""
    return json.dumps(
        document({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})
    )
