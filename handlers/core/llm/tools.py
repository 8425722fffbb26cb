"""The agent's tools, bound server-side to the caller's documents.

`AgentTools` is built per question from the caller's own READY documents (narrowed to the
conversation's documents when it has any). The model only ever supplies a query, a
document id or a chunk index: which user and which documents are searched is fixed here,
so no tool argument (and no instruction hidden in a document) can reach anything else —
an id outside the scope gets "not found", exactly like one that does not exist.
Every passage a tool returns is numbered once; those numbers are the answer's [n] marks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from handlers.core.documents.models import DocumentRecord
from handlers.core.llm.quotes import locate
from handlers.core.llm.tool_arguments import (
    DEFAULT_TOP_K,
    MAX_CHUNK_INDEX,
    MAX_QUERY_CHARS,
    MAX_TOP_K,
    ReadPassageArguments,
    SearchArguments,
    ToolArgumentError,
    parse_tool_arguments,
)
from handlers.core.retrieval.gate import (
    Candidate,
    Evidence,
    gate_terms,
    looked_up_terms,
    term_weights,
    weigh,
)
from handlers.core.runtime.tracing import tracer
from handlers.core.text.terms import words_giving

if TYPE_CHECKING:
    from handlers.core.derived.passage import Passage
    from handlers.core.retrieval.index import VectorIndex
    from handlers.core.retrieval.reranker import Reranked, Reranker

# How many passages a question's own search returns, numbered: the relevance gate weighs
# them and the answerers answer from them. Ten, not five: evidence is lexical and the
# fused ranking may place BM25's best passages a few ranks down (measured on the
# answer-quality set: more labelled pages cited, fewer false refusals).
GATE_TOP_K = 10

TOOL_SPECS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "search_documents",
            "description": (
                "Search the user's documents for passages relevant to a query. Returns "
                "numbered passages; cite them as [n]."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "What to look for."},
                    "top_k": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_TOP_K,
                        "description": "How many passages (default 5).",
                    },
                },
                "required": ["query"],
                "additionalProperties": False,
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "read_passage",
            "description": "Read one chunk of a document, e.g. the one after a search hit.",
            "parameters": {
                "type": "object",
                "properties": {
                    "document_id": {"type": "string"},
                    "chunk_index": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": MAX_CHUNK_INDEX,
                    },
                },
                "required": ["document_id", "chunk_index"],
                "additionalProperties": False,
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "list_documents",
            "description": "List the documents available to answer from.",
            "parameters": {"type": "object", "properties": {}, "additionalProperties": False},
        },
    },
]

_MARKER = re.compile(r"(\s*)\[(\d{1,3})\]")


@dataclass(frozen=True)
class Cited:
    """A passage an answer cites, and the (start, end) of its quote in the passage's text
    when the answer quoted it (`handlers.core.conversations.citations` makes the citation).
    """

    passage: Passage
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Search:
    """The passages retrieved for a question and the gate's verdict on them."""

    query: str
    hits: list[tuple[int, Passage]]
    evidence: Evidence
    # The weight of each of the question's key terms (`gate.term_weights`).
    weights: dict[str, float]

    def unmentioned(self) -> list[str]:
        """The query's words, as written, that no searched document uses."""
        return words_giving(self.query, self.evidence.missing)


class AgentTools:
    def __init__(
        self,
        index: VectorIndex,
        documents: Sequence[DocumentRecord],
        reranker: Reranker | None = None,
    ) -> None:
        self._index = index
        self._reranker = reranker
        self._documents = {doc.document_id: doc for doc in documents}
        self._passages: list[Passage] = []
        self._numbers: dict[tuple[str, int], int] = {}

    @property
    def documents(self) -> list[DocumentRecord]:
        return list(self._documents.values())

    def call(self, name: str, arguments: str) -> str:
        """Run a tool the model asked for; the result is JSON text for a `tool` message."""
        try:
            args = parse_tool_arguments(name, arguments)
        except ToolArgumentError as exc:
            # Said to the model, which corrects its call in the next round.
            return json.dumps({"error": str(exc)}, ensure_ascii=False)
        if isinstance(args, SearchArguments):
            result = self.search_documents(args.query, args.top_k)
        elif isinstance(args, ReadPassageArguments):
            result = self.read_passage(args.document_id, args.chunk_index)
        else:
            result = self.list_documents()
        return json.dumps(result, ensure_ascii=False)

    @tracer.capture_method(capture_response=False)
    def search(self, query: str, top_k: int = DEFAULT_TOP_K) -> list[tuple[int, Passage]]:
        passages, _ = self._ranked(query, max(1, min(top_k, MAX_TOP_K)))
        return [(self._number(passage), passage) for passage in passages]

    @tracer.capture_method(capture_response=False)
    def gated_search(self, question: str, top_k: int = GATE_TOP_K) -> Search:
        """Search for the question and decide whether the passages are evidence for it."""
        passages, reranked = self._ranked(question, top_k)
        hits = [(self._number(passage), passage) for passage in passages]
        question_terms = gate_terms(question)
        statistics = self._index.term_statistics(self.documents, looked_up_terms(question_terms))
        evidence = weigh(
            question_terms,
            statistics,
            [Candidate(p.text, p.dense_score, p.navigation) for p in passages],
            semantic=self._index.semantic,
        )
        # The model only overrules a refusal (`handlers.core.retrieval.reranker`), and doubts
        # an answer it rates irrelevant or one naming a term no document uses that it does
        # not vouch for; without a model, such a term alone makes the answer doubtful.
        vouches = reranked is not None and reranked.vouches
        doubts = reranked is not None and reranked.doubts
        found = evidence.found or vouches
        evidence = replace(
            evidence,
            found=found,
            relevance=round(reranked.best, 4) if reranked is not None else None,
            doubtful=found and (doubts or (bool(evidence.missing) and not vouches)),
        )
        weights = term_weights(question_terms, statistics)
        return Search(query=question, hits=hits, evidence=evidence, weights=weights)

    def _ranked(self, query: str, top_k: int) -> tuple[list[Passage], Reranked | None]:
        """The best `top_k` passages: the fused ranking's, reordered by the reranker's
        reading of its first `Reranker.depth` when the function has one."""
        query = query[:MAX_QUERY_CHARS]
        if self._reranker is None:
            return self._index.search(self.documents, query, top_k=top_k), None
        depth = self._reranker.depth
        fused = self._index.search(self.documents, query, top_k=max(top_k, depth))
        if not fused:
            return [], None
        reranked = self._reranker.rerank(query, fused[:depth])
        return (reranked.passages + fused[depth:])[:top_k], reranked

    def search_documents(self, query: str, top_k: int = DEFAULT_TOP_K) -> dict[str, Any]:
        return self.results(self.search(query, top_k))

    def results(self, hits: Sequence[tuple[int, Passage]]) -> dict[str, Any]:
        """A search's passages as the model sees them: numbered by `ref`."""
        if not hits:
            return {"passages": [], "note": "No passage matches this query."}
        return {"passages": [_passage_json(n, passage) for n, passage in hits]}

    def read_passage(self, document_id: str, chunk_index: int) -> dict[str, Any]:
        document = self._documents.get(document_id)
        passage = self._index.read(document, chunk_index) if document is not None else None
        if passage is None:
            return {"error": "not found"}
        return {"passages": [_passage_json(self._number(passage), passage)]}

    def list_documents(self) -> dict[str, Any]:
        return {
            "documents": [
                {"document_id": doc.document_id, "name": doc.name, "pages": doc.pages}
                for doc in self._documents.values()
            ]
        }

    def cited(
        self, answer: str, quotes: Mapping[int, str] | None = None
    ) -> tuple[str, list[Cited]]:
        """The answer with its [n] marks renumbered 1.. in order, and what they cite.

        Marks naming no retrieved passage are removed, so every citation is a passage a
        tool actually returned; an answer citing nothing (e.g. "the documents do not
        contain this") has no citations. With `quotes` (passage number → quoted text), a
        mark whose quote is missing or not in its passage is removed too, and each citation
        carries the span of its quote.
        """
        order: list[int] = []
        spans: dict[int, tuple[int, int] | None] = {}
        for match in _MARKER.finditer(answer):
            number = int(match.group(2))
            if not 1 <= number <= len(self._passages) or number in spans:
                continue
            span = None
            if quotes is not None:
                quote = quotes.get(number)
                span = locate(self._passages[number - 1].text, quote) if quote else None
                if span is None:
                    spans[number] = None
                    continue  # an unsupported citation: the quote is not in the passage
            spans[number] = span
            order.append(number)
        if not order:
            return _MARKER.sub("", answer).strip(), []
        renumber = {old: new for new, old in enumerate(order, start=1)}

        def replace(match: re.Match[str]) -> str:
            new = renumber.get(int(match.group(2)))
            return f"{match.group(1)}[{new}]" if new is not None else ""

        cited = []
        for number in order:
            span = spans[number]
            passage = self._passages[number - 1]
            cited.append(Cited(passage, span))
        return _MARKER.sub(replace, answer).strip(), cited

    def _number(self, passage: Passage) -> int:
        key = (passage.document_id, passage.chunk_index)
        number = self._numbers.get(key)
        if number is None:
            self._passages.append(passage)
            number = self._numbers[key] = len(self._passages)
        elif passage.score > self._passages[number - 1].score:
            self._passages[number - 1] = passage
        return number


def _passage_json(number: int, passage: Passage) -> dict[str, Any]:
    return {
        "ref": number,
        "document_id": passage.document_id,
        "document_name": passage.document_name,
        "page": passage.page,
        # The heading path over the passage (a PDF's outline, an HTML or Markdown heading):
        # what the passage is about when its text does not say.
        "section": passage.section,
        "chunk_index": passage.chunk_index,
        "text": passage.text,
    }
