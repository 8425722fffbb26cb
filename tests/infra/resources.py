"""Helpers to read what the program declared: policies, tags, which resources take tags."""

from __future__ import annotations

import importlib
import inspect
import json
from functools import cache
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


@cache
def takes_tags(token: str) -> bool:
    """Whether the pulumi-aws resource behind a type token accepts `tags`."""
    package, module_path, class_name = token.split(":")
    if package != "aws":
        return False
    module_name = module_path.split("/")[0]
    # Python keywords get a trailing underscore in the SDK (aws.lambda_).
    module = importlib.import_module(
        f"pulumi_aws.{module_name}_" if module_name == "lambda" else f"pulumi_aws.{module_name}"
    )
    cls = getattr(module, class_name)
    return "tags" in inspect.signature(cls._internal_init).parameters


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
