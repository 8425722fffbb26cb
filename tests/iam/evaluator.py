"""A tiny IAM evaluator for identity policies: Allow statements, `*`/`?` wildcards in Action
and Resource, and the one condition the roles use (StringLike on a request key). Anything
else in a policy (Deny, NotAction, other conditions) fails loudly rather than being guessed."""

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


def _conditions_hold(condition: dict[str, Any], request: Request) -> bool:
    for operator, tests in condition.items():
        if operator != "StringLike":
            raise AssertionError(f"the evaluator does not know the {operator} condition")
        for key, patterns in tests.items():
            value = request.value_of(key)
            if value is None or not any(_wildcard(p, value) for p in _as_list(patterns)):
                return False
    return True


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
