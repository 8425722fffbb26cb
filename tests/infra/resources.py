"""Helpers to read what the program declared: policies and their statements."""

from __future__ import annotations

import json
from typing import Any

from policy.doc_agent_guardrails.values import as_list, statements
from tests.infra.pulumi_mocks import Registered


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
