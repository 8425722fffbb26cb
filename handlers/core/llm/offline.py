"""The offline answerer: extractive, no model, no network.

It searches the caller's documents like the agent's first tool call would and lets the
relevance gate decide whether the passages are evidence at all ("not in your documents"
otherwise, with no citations). Then, inside each passage, it picks the sentence holding
most of the question's key-term weight — not the passage's opening — with the sentences
after it (an answer tends to follow the words that name its subject: a FAQ's question,
a term being defined) and the one before it when that holds a key term too (a definition
names its subject and states its fact first; the question's words may recur only in the
sentence after).

It takes the first passages in retrieval order whose best sentence is not far weaker than
the best passage's best sentence (sentences, not quotes, are compared: a quote that grew
by neighbours holding key terms would shut out a passage whose one sentence answers as
well), one per page or section, so that the citations point at different places. It
quotes each once, in retrieval order: the first citation is the passage ranked first
(measured: ordering the quotes by how much of the question they cover put the labelled
page first for 5 % fewer questions, once PDF passages stopped at their headings). The
quote covering most of the question runs on for up to `LEAD_QUOTE_SENTENCES` sentences
from its best one (after the lead-in sentence before it, when that one is kept): the fact
asked for often comes a few sentences after the words that name the subject (a field is
named, described, then its unit given); the others stay short.

Every quote is a citation whose excerpt is exactly that text. The site labels the answer
"Offline mode" (the message's model is `offline`), so the text does not repeat it. A
doubtful answer (`Evidence.doubtful`) opens by saying so, naming the question's words no
document uses when there are some, instead of "From your documents:".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from handlers.core.derived.passage import Passage
from handlers.core.llm.answers import (
    NOT_IN_DOCUMENTS,
    DraftAnswer,
    Exchange,
    Grounding,
    grounding_of,
    quoted_words,
)
from handlers.core.llm.deadline import Deadline
from handlers.core.llm.quotes import MIN_QUOTE_CHARS
from handlers.core.llm.tools import AgentTools, Search
from handlers.core.runtime.tracing import tracer
from handlers.core.text.sentences import sentence_spans
from handlers.core.text.terms import asks_for_quantity, terms

OFFLINE_MODEL = "offline"
QUOTED_PASSAGES = 3
# A quote grows by the sentences after its best one, then by the one before it, only while
# it stays this short.
MAX_QUOTE_CHARS = 600
QUOTE_SENTENCES = 3
# The quote that covers most of the question goes on further: the fact a question asks for
# is often a few sentences after the words that name its subject.
LEAD_QUOTE_SENTENCES = 5
LEAD_QUOTE_CHARS = 900
# A further passage's best sentence must cover at least this share of what the best
# passage's best sentence covers.
MIN_RELATIVE_COVERAGE = 0.5

ANSWER_INTRO = "From your documents:"
# A doubtful answer (`Evidence.doubtful`) says so: the passages are the closest there are.
DOUBTFUL_INTRO = "No passage clearly answers this. The closest in your documents:"
UNMENTIONED_INTRO = "Your documents never mention {words}. The closest passages:"

_MARK_LIKE = re.compile(r"\[(\d{1,3})\]")
# The term a span holds when it has a digit (never a term of `terms()`: it has a space).
NUMBER = "# number"


@dataclass(frozen=True)
class Quote:
    number: int  # the passage's reference number
    rank: int  # the passage's position in the search results
    start: int  # the span in the passage's text
    end: int
    coverage: float  # share of the question's key-term weight its best sentence holds
    span_coverage: float  # the same for the whole quoted span


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
        search = tools.gated_search(question)
        if not search.evidence.found:
            return _not_found()
        weights = dict(search.weights)
        if asks_for_quantity(question) and weights:
            # "How many days?": a number is one more thing the answer must hold.
            weights[NUMBER] = sum(weights.values()) / len(weights)
        quotes = best_quotes(search.hits, weights)
        if not quotes:
            return _not_found()
        passages = dict(search.hits)
        lines = []
        for quote in quotes:
            shown = " ".join(passages[quote.number].text[quote.start : quote.end].split())
            # Text like "[3]" inside a quote is the document's, not a citation mark.
            shown = _MARK_LIKE.sub(r"(\1)", shown)
            lines.append(f"\u201c{shown}\u201d [{quote.number}]")
        return DraftAnswer(
            text=_intro(search) + "\n\n" + "\n\n".join(lines),
            model=OFFLINE_MODEL,
            quotes={q.number: passages[q.number].text[q.start : q.end] for q in quotes},
            grounding=grounding_of(search.evidence),
        )


def _not_found() -> DraftAnswer:
    return DraftAnswer(text=NOT_IN_DOCUMENTS, model=OFFLINE_MODEL, grounding=Grounding.NOT_FOUND)


def _intro(search: Search) -> str:
    if not search.evidence.doubtful:
        return ANSWER_INTRO
    unmentioned = quoted_words(search.unmentioned())
    return UNMENTIONED_INTRO.format(words=unmentioned) if unmentioned else DOUBTFUL_INTRO


def best_quotes(hits: Sequence[tuple[int, Passage]], weights: Mapping[str, float]) -> list[Quote]:
    """The best span of the first `QUOTED_PASSAGES` passages (in retrieval order, one per
    page or section) whose best sentence covers not much less of the question than the
    best one's, in retrieval order; the span covering most runs on further."""
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
    if not found:
        return []
    floor = max(q.coverage for q in found) * MIN_RELATIVE_COVERAGE
    passages = dict(hits)
    chosen: list[Quote] = []  # in retrieval order, as `found` is
    places: set[tuple[str, int]] = set()
    for quote in found:
        place = _place(passages[quote.number])
        if quote.coverage >= floor and place not in places and len(chosen) < QUOTED_PASSAGES:
            chosen.append(quote)
            places.add(place)
    lead = min(chosen, key=lambda q: (-q.span_coverage, -q.coverage, q.rank))
    longer = _best_span(
        lead.number,
        lead.rank,
        passages[lead.number].text,
        weights,
        total,
        sentences=LEAD_QUOTE_SENTENCES,
        max_chars=LEAD_QUOTE_CHARS,
    )
    return [(longer or lead) if quote is lead else quote for quote in chosen]


def _place(passage: Passage) -> tuple[str, int]:
    """The page or section a passage is in (its own chunk for the old format, which has no
    parts): one quote per place, so the citations point at different places."""
    part = passage.part if passage.part is not None else -1 - passage.chunk_index
    return (passage.document_id, part)


def _best_span(
    number: int,
    rank: int,
    text: str,
    weights: Mapping[str, float],
    total: float,
    *,
    sentences: int = QUOTE_SENTENCES,
    max_chars: int = MAX_QUOTE_CHARS,
) -> Quote | None:
    spans = [(a, b) for a, b in sentence_spans(text) if _long_enough(text[a:b])]
    if not spans:
        return None
    coverages = [_coverage(text[a:b], weights, total) for a, b in spans]
    best = max(range(len(spans)), key=lambda i: (coverages[i], -i))
    if coverages[best] <= 0:
        return None
    last = best
    while (
        last + 1 < len(spans)
        and last + 1 - best < sentences
        and spans[last + 1][1] - spans[best][0] <= max_chars
    ):
        last += 1
    first = best
    if (
        best > 0
        and coverages[best - 1] > 0  # about the question's subject, not an unrelated lead-in
        and spans[last][1] - spans[best - 1][0] <= max_chars
    ):
        first = best - 1
    start, end = spans[first][0], spans[last][1]
    span_coverage = _coverage(text[start:end], weights, total)
    return Quote(number, rank, start, end, round(coverages[best], 4), round(span_coverage, 4))


def _coverage(span: str, weights: Mapping[str, float], total: float) -> float:
    present = set(terms(span)) & weights.keys()
    if NUMBER in weights and any(c.isdigit() for c in span):
        present.add(NUMBER)
    return sum(weights[term] for term in present) / total


def _long_enough(sentence: str) -> bool:
    return sum(c.isalnum() for c in sentence) >= MIN_QUOTE_CHARS
