"""The tools bound to the caller's documents, and citation numbering."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from handlers.core.derived.passage import Passage
from handlers.core.documents.models import DocumentRecord, DocumentStatus
from handlers.core.llm.tools import AgentTools
from handlers.core.retrieval.bm25 import LexicalIndex, TermStatistics, term_statistics

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def record(document_id: str) -> DocumentRecord:
    return DocumentRecord(
        document_id=document_id,
        name=f"{document_id}.txt",
        content_type="text/plain",
        size=1,
        status=DocumentStatus.READY,
        created_at=NOW,
        updated_at=NOW,
        user_id="u",
        raw_key="k",
        pages=1,
    )


def passage(document_id: str, index: int, score: float = 1.0) -> Passage:
    return Passage(
        document_id=document_id,
        chunk_index=index,
        page=1,
        text=f"text {index}",
        document_name=f"{document_id}.txt",
        score=score,
    )


class StubIndex:
    def __init__(self, hits: list[Passage]) -> None:
        self.hits = hits
        self.searched: list[list[str]] = []

    def search(
        self, documents: Sequence[DocumentRecord], query: str, *, top_k: int
    ) -> list[Passage]:
        self.searched.append([d.document_id for d in documents])
        return [h for h in self.hits if h.document_id in {d.document_id for d in documents}][:top_k]

    def read(self, document: DocumentRecord, chunk_index: int) -> Passage | None:
        return passage(document.document_id, chunk_index) if chunk_index < 3 else None

    def term_statistics(
        self, documents: Sequence[DocumentRecord], terms: Collection[str]
    ) -> TermStatistics:
        texts = [h.text for h in self.hits if h.document_id in {d.document_id for d in documents}]
        return term_statistics(terms, [LexicalIndex.build(texts)])

    semantic = False


def test_passages_are_numbered_once_and_answers_renumbered() -> None:
    tools = AgentTools(
        StubIndex([passage("a", 0), passage("a", 1), passage("b", 0)]), [record("a"), record("b")]
    )
    first = json.loads(tools.call("search_documents", '{"query": "x"}'))
    again = json.loads(tools.call("read_passage", '{"document_id": "a", "chunk_index": 1}'))
    assert [p["ref"] for p in first["passages"]] == [1, 2, 3]
    assert again["passages"][0]["ref"] == 2  # the same chunk keeps its number

    text, cited = tools.cited("B says so [3], A agrees [2][3]; see [9].")
    assert text == "B says so [1], A agrees [2][1]; see."
    assert [(c.passage.document_id, c.passage.chunk_index) for c in cited] == [("b", 0), ("a", 1)]
    assert [c.span for c in cited] == [None, None]  # no quotes: whole passages


def test_the_model_sees_each_passage_under_its_heading() -> None:
    hits = [replace(passage("a", 0), section="Usage \u203a Options"), passage("a", 1)]
    tools = AgentTools(StubIndex(hits), [record("a")])

    found = json.loads(tools.call("search_documents", '{"query": "x"}'))

    assert [p["section"] for p in found["passages"]] == ["Usage \u203a Options", None]


def test_quoted_marks_are_cited_with_their_span_and_unfounded_ones_dropped() -> None:
    hits = [
        replace(passage("a", 0), text="Alpha beta gamma delta."),
        replace(passage("a", 1), text="Epsilon zeta eta theta."),
    ]
    tools = AgentTools(StubIndex(hits), [record("a")])
    tools.call("search_documents", '{"query": "x"}')

    text, cited = tools.cited("First [1], second [2].", {1: "BETA  gamma", 2: "zeta omega"})

    assert text == "First [1], second."
    assert [(c.passage.chunk_index, c.span) for c in cited] == [(0, (6, 16))]


def test_bad_tool_calls_are_reported_to_the_model_not_raised() -> None:
    tools = AgentTools(StubIndex([]), [record("a")])
    assert json.loads(tools.call("search_documents", "{not json")) == {
        "error": "invalid arguments: not a JSON object"
    }
    assert json.loads(tools.call("read_passage", '{"document_id": "a"}')) == {
        "error": "invalid arguments: chunk_index: Field required"
    }
    assert json.loads(tools.call("delete_everything", "{}")) == {
        "error": "unknown tool 'delete_everything'"
    }
    assert json.loads(tools.call("search_documents", '{"query": "x"}'))["passages"] == []


def test_top_k_is_clamped_and_scope_is_fixed() -> None:
    index = StubIndex([passage("a", i) for i in range(20)])
    tools = AgentTools(index, [record("a")])
    result = json.loads(tools.call("search_documents", '{"query": "x", "top_k": 500}'))
    assert len(result["passages"]) == 10
    assert index.searched == [["a"]]
