"""Reading resource props as the policy engine passes them: unknown values, lists, JSON documents."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)

Props = Mapping[str, Any]
"""A resource's props: camelCase keys, JSON-like values, unknowns as the engine's sentinels."""

UNKNOWN = UNKNOWN_STRING_VALUE
"""What an Output that is not known yet (during preview) looks like in props."""
_UNKNOWNS = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


def is_unknown(value: Any) -> bool:
    """Whether a value is not known yet: a rule cannot judge it and reports nothing."""
    return isinstance(value, str) and value in _UNKNOWNS


def is_set(value: Any) -> bool:
    """A value that is present and not empty (an unknown one counts: it will be set)."""
    return value is not None and value != "" and value != [] and value != {}


def as_list(value: Any) -> list[Any]:
    """IAM and CloudFront fields that take one value or a list of them."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class _UnknownBlock(Mapping[str, Any]):
    """A nested block that is unknown as a whole: each of its fields reads as unknown."""

    def __getitem__(self, key: str) -> Any:
        return UNKNOWN

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def section(props: Props, key: str) -> Props:
    """A nested block (e.g. `tracingConfig`): empty when absent, all-unknown when unknown."""
    value = props.get(key)
    if is_unknown(value):
        return _UnknownBlock()
    return value if isinstance(value, Mapping) else {}


class NotJson(ValueError):
    """A policy document that is neither a JSON object nor unknown."""


def json_document(value: Any) -> dict[str, Any] | None:
    """A policy document given as JSON text or as a mapping; None while it is unknown."""
    if is_unknown(value):
        return None
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as exc:
            raise NotJson(str(exc)) from exc
        if isinstance(parsed, dict):
            return parsed
    raise NotJson(f"expected a JSON object, got {type(value).__name__}")


def statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The statements of an IAM/resource policy (one statement may be given bare)."""
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping)]
