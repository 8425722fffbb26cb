"""Score answers against the labels, and sum them up into the reported rates.

A citation is *on the page* when it names the labelled document and one of its labelled
pages (PDF), or the labelled heading section (HTML, Markdown, text: by the citation's
`section` when it has one, else by where its excerpt lies in the document). *Near* allows the page or section
next to it. An answer *refuses* when it cites nothing. The *fact* is found when one of the
label's alternatives appears in the answer (case-folded, NFKC, whitespace collapsed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from benchmarks.quality.answers import Answer, CitationView
from benchmarks.quality.html_sections import Sections
from benchmarks.quality.labels import DocumentSpec, Question

TOP_K = 3
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class LoadedDocument:
    spec: DocumentSpec
    document_id: str
    sections: Sections | None  # formats without pages


@dataclass(frozen=True)
class Outcome:
    question: Question
    answer: Answer
    top1: bool
    top3: bool
    near: bool
    fact: bool

    @property
    def refused(self) -> bool:
        return not self.answer.citations


@dataclass(frozen=True)
class Summary:
    answerable: int
    unanswerable: int
    top1: float
    top3: float
    near: float
    fact: float
    correct_refusals: float
    false_refusals: float
    p50_ms: float
    p95_ms: float


def normalise_answer(text: str) -> str:
    """What a reader sees, compared loosely: NFKC, case-folded, whitespace collapsed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


class Scorer:
    def __init__(self, documents: Sequence[LoadedDocument], questions: Sequence[Question]) -> None:
        self._by_key = {doc.spec.key: doc for doc in documents}
        self._by_id = {doc.document_id: doc for doc in documents}
        # A heading label naming no heading of its document would silently score as a miss.
        for question in questions:
            if question.section is not None:
                self.target_section(question)

    def target_section(self, question: Question) -> int:
        doc = self._by_key[str(question.document)]
        assert doc.sections is not None
        assert question.section is not None
        index = doc.sections.index_of_heading(question.section)
        if index is None:
            raise ValueError(f"{question.key}: no heading {question.section!r} in {doc.spec.key}")
        return index

    def score(self, question: Question, answer: Answer) -> Outcome:
        fact = _has_fact(answer.text, question.facts)
        if not question.answerable:
            return Outcome(question, answer, top1=False, top3=False, near=False, fact=False)
        top = answer.citations[:TOP_K]
        places = [self.place(question, citation) for citation in top]
        return Outcome(
            question,
            answer,
            top1=bool(places) and places[0][0],
            top3=any(exact for exact, _ in places),
            near=any(near for _, near in places),
            fact=fact,
        )

    def place(self, question: Question, citation: CitationView) -> tuple[bool, bool]:
        """(on the labelled page/section, within one of it)."""
        doc = self._by_id.get(citation.document_id)
        if doc is None or doc.spec.key != question.document:
            return False, False
        if doc.sections is None:
            if citation.page is None:
                return False, False
            distance = min(abs(citation.page - page) for page in question.pages)
            return distance == 0, distance <= 1
        target = self.target_section(question)
        # The section the citation names, else (none, or not a heading here) its excerpt's.
        cited = set()
        if citation.section:
            cited = doc.sections.indexes_of_path(citation.section)
        if not cited:
            cited = doc.sections.indexes_of_excerpt(citation.excerpt)
        return target in cited, any(abs(index - target) <= 1 for index in cited)


def _has_fact(text: str, facts: Sequence[str]) -> bool:
    answer = normalise_answer(text)
    return any(normalise_answer(fact) in answer for fact in facts)


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    latencies = np.asarray([o.answer.seconds * 1000 for o in outcomes] or [0.0])
    return Summary(
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        top1=_rate(o.top1 for o in answerable),
        top3=_rate(o.top3 for o in answerable),
        near=_rate(o.near for o in answerable),
        fact=_rate(o.fact for o in answerable),
        correct_refusals=_rate(o.refused for o in unanswerable),
        false_refusals=_rate(o.refused for o in answerable),
        p50_ms=float(np.percentile(latencies, 50)),
        p95_ms=float(np.percentile(latencies, 95)),
    )


def _rate(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(bool(v) for v in values) / len(values) if values else 0.0
