"""A tiny IAM evaluator for identity policies: Allow statements, `*`/`?` wildcards in Action
and Resource, and the conditions the roles use: StringLike on a request key,
StringEqualsIfExists, and ForAllValues:StringEquals on a multivalued key (true when the
request has no such key, as in IAM). Anything else in a policy (Deny, NotAction, other
conditions) fails loudly rather than being guessed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tests.iam.actions import Request

_SUPPORTED_KEYS = {"Sid", "Effect", "Action", "Resource", "Condition"}


def _as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _wildcard(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    regex = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _condition_holds(operator: str, key: str, allowed: list[str], request: Request) -> bool:
    if operator == "StringLike":
        value = request.value_of(key)
        return value is not None and any(_wildcard(p, value) for p in allowed)
    if operator == "StringEqualsIfExists":
        value = request.value_of(key)
        return value is None or value in allowed
    if operator == "ForAllValues:StringEquals":
        values = request.values_of(key)
        return values is None or values <= set(allowed)
    raise AssertionError(f"the evaluator does not know the {operator} condition")


def _conditions_hold(condition: dict[str, Any], request: Request) -> bool:
    return all(
        _condition_holds(operator, key, _as_list(allowed), request)
        for operator, tests in condition.items()
        for key, allowed in tests.items()
    )


def _allows(statement: dict[str, Any], request: Request) -> bool:
    unknown = set(statement) - _SUPPORTED_KEYS
    if unknown or statement["Effect"] != "Allow":
        raise AssertionError(f"the evaluator does not know statement {statement}")
    return (
        any(_wildcard(a, request.action, ignore_case=True) for a in _as_list(statement["Action"]))
        and any(_wildcard(r, request.resource) for r in _as_list(statement["Resource"]))
        and _conditions_hold(statement.get("Condition", {}), request)
    )


def allowed(policy: dict[str, Any], request: Request) -> bool:
    """Whether some statement of `policy` allows `request` (no statement denies)."""
    return any(_allows(statement, request) for statement in policy["Statement"])
