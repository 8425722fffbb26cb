"""Helpers to read what the program declared: policies and their statements."""

from __future__ import annotations

import json
from typing import Any

from tests.infra.pulumi_mocks import Registered


def policy(resource: Registered, key: str = "policy") -> dict[str, Any]:
    value = resource.inputs[key]
    parsed: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return parsed


def statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found = doc["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


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
