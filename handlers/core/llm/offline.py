"""The offline answerer: extractive, no model, no network.

It searches the caller's documents like the agent's first tool call would and lets the
relevance gate decide whether the passages are evidence at all ("not in your documents"
otherwise, with no citations). Then, inside the best passages, it picks the sentence (or
two adjacent sentences) holding most of the question's key-term weight — not the passage's
opening — and quotes each once, from different passages, best first. Every quote is a
citation whose excerpt is exactly that text. The site labels the answer "Offline mode"
(the message's model is `offline`), so the text does not repeat it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from handlers.core.derived.passage import Passage
from handlers.core.llm.answers import NOT_IN_DOCUMENTS, DraftAnswer, Exchange
from handlers.core.llm.deadline import Deadline
from handlers.core.llm.quotes import MIN_QUOTE_CHARS
from handlers.core.llm.tools import AgentTools
from handlers.core.text.sentences import sentence_spans
from handlers.core.text.terms import terms
from handlers.core.tracing import tracer

OFFLINE_MODEL = "offline"
SEARCH_TOP_K = 5
QUOTED_PASSAGES = 3
# Two adjacent sentences are quoted together only while they stay this short.
MAX_QUOTE_CHARS = 500
# A further quote must cover at least this share of what the best quote covers.
MIN_RELATIVE_COVERAGE = 0.5

ANSWER_INTRO = "From your documents:"

_MARK_LIKE = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class Quote:
    number: int  # the passage's reference number
    rank: int  # the passage's position in the search results
    start: int  # the span in the passage's text
    end: int
    coverage: float  # share of the question's key-term weight the span holds


class OfflineAnswerer:
    @property
    def model(self) -> str:
        return OFFLINE_MODEL

    @tracer.capture_method(capture_response=False)
    def answer(
        self,
        question: str,
        tools: AgentTools,
        history: Sequence[Exchange] = (),
        deadline: Deadline | None = None,
    ) -> DraftAnswer:
        search = tools.gated_search(question, SEARCH_TOP_K)
        if not search.evidence.found:
            return DraftAnswer(text=NOT_IN_DOCUMENTS, model=OFFLINE_MODEL)
        quotes = best_quotes(search.hits, search.weights)
        if not quotes:
            return DraftAnswer(text=NOT_IN_DOCUMENTS, model=OFFLINE_MODEL)
        passages = dict(search.hits)
        lines = []
        for quote in quotes:
            shown = " ".join(passages[quote.number].text[quote.start : quote.end].split())
            # Text like "[3]" inside a quote is the document's, not a citation mark.
            shown = _MARK_LIKE.sub(r"(\1)", shown)
            lines.append(f"\u201c{shown}\u201d [{quote.number}]")
        return DraftAnswer(
            text=ANSWER_INTRO + "\n\n" + "\n\n".join(lines),
            model=OFFLINE_MODEL,
            quotes={q.number: passages[q.number].text[q.start : q.end] for q in quotes},
        )


def best_quotes(hits: Sequence[tuple[int, Passage]], weights: Mapping[str, float]) -> list[Quote]:
    """The best span of each passage, the passages' best spans best first, at most
    `QUOTED_PASSAGES`, none far weaker than the first."""
    total = sum(weights.values())
    if total <= 0:
        return []
    found = []
    for rank, (number, passage) in enumerate(hits):
        if passage.navigation:
            continue  # a table of contents names the subject; it does not say anything
        quote = _best_span(number, rank, passage.text, weights, total)
        if quote is not None:
            found.append(quote)
    found.sort(key=lambda q: (-q.coverage, q.rank))
    if not found:
        return []
    floor = found[0].coverage * MIN_RELATIVE_COVERAGE
    return [q for q in found if q.coverage >= floor][:QUOTED_PASSAGES]


def _best_span(
    number: int, rank: int, text: str, weights: Mapping[str, float], total: float
) -> Quote | None:
    spans = [(a, b) for a, b in sentence_spans(text) if _long_enough(text[a:b])]
    covered = [set(terms(text[a:b])) & weights.keys() for a, b in spans]
    best: Quote | None = None
    for i, (start, end) in enumerate(spans):
        # The sentence alone, and with the next one when together they hold more.
        windows = [(end, covered[i])]
        if i + 1 < len(spans) and spans[i + 1][1] - start <= MAX_QUOTE_CHARS:
            windows.append((spans[i + 1][1], covered[i] | covered[i + 1]))
        for stop, present in windows:
            coverage = sum(weights[term] for term in present) / total
            if coverage > 0 and (best is None or coverage > best.coverage):
                best = Quote(number, rank, start, stop, round(coverage, 4))
    return best


def _long_enough(sentence: str) -> bool:
    return sum(c.isalnum() for c in sentence) >= MIN_QUOTE_CHARS
