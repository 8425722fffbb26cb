"""Every argument the model sends is validated: a bad call is a tool error it can read and
correct, never an exception that fails the question."""

from __future__ import annotations

import json

import pytest

from handlers.core.llm.tool_arguments import (
    MAX_CHUNK_INDEX,
    ReadPassageArguments,
    SearchArguments,
    ToolArgumentError,
    parse_tool_arguments,
)
from handlers.core.llm.tools import AgentTools
from tests.agent.test_tools import StubIndex, passage, record


@pytest.mark.parametrize(
    ("name", "arguments", "complaint"),
    [
        ("read_passage", '{"document_id": "a", "chunk_index": 1e999}', "chunk_index"),
        ("read_passage", '{"document_id": "a", "chunk_index": Infinity}', "chunk_index"),
        ("read_passage", '{"document_id": "a", "chunk_index": NaN}', "chunk_index"),
        ("read_passage", '{"document_id": "a", "chunk_index": -1}', "chunk_index"),
        ("read_passage", '{"document_id": "a", "chunk_index": 2.5}', "chunk_index"),
        ("read_passage", '{"document_id": "a", "chunk_index": true}', "chunk_index"),
        ("read_passage", '{"document_id": "a", "chunk_index": "3x"}', "chunk_index"),
        ("read_passage", f'{{"document_id": "a", "chunk_index": {MAX_CHUNK_INDEX + 1}}}', "chunk"),
        ("read_passage", '{"document_id": "a", "chunk_index": ' + "9" * 5000 + "}", "JSON"),
        ("read_passage", '{"document_id": 7, "chunk_index": 1}', "document_id"),
        ("read_passage", '{"document_id": "' + "a" * 65 + '", "chunk_index": 1}', "document_id"),
        ("search_documents", '{"query": "x", "top_k": Infinity}', "top_k"),
        ("search_documents", '{"query": "x", "top_k": -1e999}', "top_k"),
        ("search_documents", '{"query": "x", "top_k": "many"}', "top_k"),
        ("search_documents", '{"query": ""}', "query"),
        ("search_documents", '{"query": ["x"]}', "query"),
        ("search_documents", '{"top_k": 3}', "query"),
        ("search_documents", '{"query": "x", "owner": "someone-else"}', "owner"),
        ("search_documents", "[" * 50_000 + "]" * 50_000, "too long"),
        ("search_documents", "[" * 5_000 + "]" * 5_000, "JSON object"),
        ("search_documents", '"just a string"', "JSON object"),
        ("list_documents", '{"user_id": "x"}', "user_id"),
    ],
)
def test_bad_arguments_are_a_readable_tool_error(name: str, arguments: str, complaint: str):
    tools = AgentTools(StubIndex([passage("a", 0)]), [record("a")])

    result = json.loads(tools.call(name, arguments))

    assert set(result) == {"error"}
    assert result["error"].startswith("invalid arguments")
    assert complaint in result["error"]
    # The message names the rule, never echoes a huge value back to the model
    assert len(result["error"]) < 300


def test_parsing_raises_only_tool_argument_errors():
    with pytest.raises(ToolArgumentError, match="unknown tool"):
        parse_tool_arguments("drop_tables", "{}")


def test_good_arguments_parse_to_typed_models():
    assert parse_tool_arguments("search_documents", '{"query": "x"}') == SearchArguments(
        query="x", top_k=5
    )
    assert parse_tool_arguments("search_documents", '{"query": "x", "top_k": null}') == (
        SearchArguments(query="x", top_k=5)
    )
    assert parse_tool_arguments(
        "read_passage", '{"document_id": "a", "chunk_index": 2.0}'
    ) == ReadPassageArguments(document_id="a", chunk_index=2)


@pytest.mark.parametrize(("asked", "given"), [(500, 10), (0, 1), (-3, 1), (10**30, 10)])
def test_top_k_outside_the_range_is_clamped(asked: int, given: int):
    assert parse_tool_arguments("search_documents", f'{{"query": "q", "top_k": {asked}}}') == (
        SearchArguments(query="q", top_k=given)
    )


def test_after_a_bad_call_the_next_good_one_works():
    tools = AgentTools(StubIndex([passage("a", 0)]), [record("a")])

    bad = json.loads(tools.call("read_passage", '{"document_id": "a", "chunk_index": 1e999}'))
    good = json.loads(tools.call("read_passage", '{"document_id": "a", "chunk_index": 1}'))

    assert "error" in bad
    assert good["passages"][0]["chunk_index"] == 1
