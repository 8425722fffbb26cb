"""The arguments the model sends with a tool call, validated before any tool runs.

The model's JSON is untrusted input like a request body: `1e999` and `Infinity` parse to
`inf`, a 5,000-digit integer does not parse at all, a deeply nested value overflows the
parser. Each tool's arguments are a pydantic model here; anything that does not fit
becomes a `ToolArgumentError` whose message names the field and the rule, so the model can
correct its call in the next round instead of the request failing with a 500.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

MAX_TOP_K = 10
DEFAULT_TOP_K = 5
MAX_QUERY_CHARS = 1000
MAX_CHUNK_INDEX = 1_000_000
"""Far above any document's chunk count (pages times chunks per page), far below overflow."""
MAX_ID_CHARS = 64
MAX_ARGUMENT_CHARS = 20_000
_MAX_DETAILS = 3


class ToolArgumentError(ValueError):
    """A tool call the model must correct; `str()` is the message the model reads."""


def _no_bool(value: object) -> object:
    # JSON `true` is not a count; pydantic's lax int would take it as 1.
    if isinstance(value, bool):
        raise ValueError("must be an integer, not a boolean")
    return value


def _clamp_top_k(value: object) -> object:
    # More than the tool gives is asked often and harmless: give the most there is.
    if isinstance(value, int) and not isinstance(value, bool):
        return max(1, min(value, MAX_TOP_K))
    return value


class _Arguments(BaseModel):
    # defer_build: only a question's tool calls validate these; other routes build nothing.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SearchArguments(_Arguments):
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS * 10)
    top_k: Annotated[
        int, BeforeValidator(_clamp_top_k), BeforeValidator(_no_bool), Field(ge=1, le=MAX_TOP_K)
    ] = DEFAULT_TOP_K


class ReadPassageArguments(_Arguments):
    document_id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    chunk_index: Annotated[int, BeforeValidator(_no_bool), Field(ge=0, le=MAX_CHUNK_INDEX)]


class ListDocumentsArguments(_Arguments):
    pass


TOOL_ARGUMENTS: dict[str, type[_Arguments]] = {
    "search_documents": SearchArguments,
    "read_passage": ReadPassageArguments,
    "list_documents": ListDocumentsArguments,
}


def parse_tool_arguments(name: str, arguments: str | None) -> _Arguments:
    """The validated arguments of tool `name`, or ToolArgumentError saying what is wrong."""
    model = TOOL_ARGUMENTS.get(name)
    if model is None:
        raise ToolArgumentError(f"unknown tool {name!r}")
    text = arguments or "{}"
    if len(text) > MAX_ARGUMENT_CHARS:
        raise ToolArgumentError("invalid arguments: too long")
    try:
        raw: Any = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ToolArgumentError("invalid arguments: not a JSON object") from exc
    if not isinstance(raw, dict):
        raise ToolArgumentError("invalid arguments: not a JSON object")
    if name == "search_documents" and raw.get("top_k") is None:
        raw.pop("top_k", None)  # null, like absent: the default
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ToolArgumentError("invalid arguments: " + _summary(exc)) from exc


def _summary(exc: ValidationError) -> str:
    """Field and rule for the first few errors; never the value (it may be huge)."""
    parts = []
    for error in exc.errors(include_input=False)[:_MAX_DETAILS]:
        where = ".".join(str(item) for item in error["loc"]) or "arguments"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
