"""The offline answerer: extractive, no model, no network.

It searches the caller's documents like the agent's first tool call would, then quotes
the sentences of the best passages that share the most words with the question, with the
same [n] citation marks. It says that it is offline; it never pretends to be a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.core.derived.passage import Passage
from handlers.core.llm.answers import DraftAnswer, Exchange
from handlers.core.llm.deadline import Deadline
from handlers.core.llm.embeddings import tokenize
from handlers.core.llm.tools import AgentTools
from handlers.core.tracing import tracer

OFFLINE_MODEL = "offline"
SEARCH_TOP_K = 5
QUOTED_SENTENCES = 3
MAX_SENTENCE_CHARS = 400

OFFLINE_PREFIX = "Offline mode (no language model is configured): "
NOT_FOUND = (
    OFFLINE_PREFIX + "I could not find passages in your documents that match this question, "
    "so the documents do not appear to contain the answer."
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n{2,}")
# Words too common to say anything about relevance.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "de",
        "did",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "la",
        "le",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "there",
        "these",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


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
        hits = [(n, p) for n, p in tools.search(question, SEARCH_TOP_K) if p.lexical_score > 0]
        terms = {token for token in tokenize(question) if token not in _STOPWORDS}
        quotes = _best_sentences(hits, terms)
        if not quotes:
            return DraftAnswer(text=NOT_FOUND, model=OFFLINE_MODEL)
        lines = [f'> "{sentence}" [{number}]' for number, sentence in quotes]
        text = OFFLINE_PREFIX + "the best-matching passages say:\n\n" + "\n".join(lines)
        return DraftAnswer(text=text, model=OFFLINE_MODEL)


def _best_sentences(hits: Sequence[tuple[int, Passage]], terms: set[str]) -> list[tuple[int, str]]:
    scored: list[tuple[float, int, int, str]] = []
    for rank, (number, passage) in enumerate(hits):
        for position, sentence in enumerate(_sentences(passage.text)):
            words = set(tokenize(sentence))
            overlap = len(words & terms)
            if overlap == 0:
                continue
            # More question words first; among equals, the better passage and earlier text.
            scored.append((overlap - 0.01 * rank, -position, number, sentence))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    seen: set[str] = set()
    quotes: list[tuple[int, str]] = []
    for _, _, number, sentence in scored:
        if sentence in seen:
            continue
        seen.add(sentence)
        quotes.append((number, sentence))
        if len(quotes) == QUOTED_SENTENCES:
            break
    return quotes


def _sentences(text: str) -> list[str]:
    sentences = []
    for part in _SENTENCE_END.split(text):
        sentence = " ".join(part.split())
        if len(sentence) > MAX_SENTENCE_CHARS:
            sentence = sentence[: MAX_SENTENCE_CHARS - 1].rstrip() + "…"
        if sentence:
            sentences.append(sentence)
    return sentences
