"""What an answerer produces, and the interface both providers implement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from handlers.core.llm.deadline import Deadline

if TYPE_CHECKING:
    from handlers.core.llm.tools import AgentTools
    from handlers.core.retrieval.gate import Evidence


@dataclass(frozen=True)
class Exchange:
    """An earlier question and answer of the conversation, for context."""

    question: str
    answer: str


# What both providers answer when the relevance gate finds no evidence (no citations).
NOT_IN_DOCUMENTS = (
    "I could not find this in your documents: no passage covers what the question asks "
    "about, so they do not appear to contain the answer."
)


class Grounding(StrEnum):
    """What the relevance gate found for a question (`retrieval.gate.Evidence`)."""

    FOUND = "found"
    DOUBTFUL = "doubtful"  # found, but nothing backs the word overlap: the answer says so
    NOT_FOUND = "not_found"  # the documents do not appear to answer it: no citations


def grounding_of(evidence: Evidence) -> Grounding:
    if not evidence.found:
        return Grounding.NOT_FOUND
    return Grounding.DOUBTFUL if evidence.doubtful else Grounding.FOUND


# A question of many words the documents never use names only its first few.
MAX_QUOTED_WORDS = 3


def quoted_words(words: Sequence[str]) -> str | None:
    """Words named to a reader ("\u201cleap\u201d or \u201cseconds\u201d"), the first
    `MAX_QUOTED_WORDS` of them; None for none: the question's words no searched document
    uses (`text.terms.words_giving`)."""
    shown = [f"\u201c{word}\u201d" for word in words[:MAX_QUOTED_WORDS]]
    return " or ".join(shown) if shown else None


@dataclass(frozen=True)
class DraftAnswer:
    """An answer with [n] marks naming the passages the tools numbered.

    `quotes` maps a passage number to the text the answer quotes from it; when given, a
    mark is cited only if its passage has a quote found in that passage's text (the
    citation's excerpt is then that text), and other marks are dropped. Without quotes
    (a model that did not return them) each mark cites its whole passage.
    """

    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    llm_calls: int = 0
    llm_latency_ms: float = 0.0
    quotes: Mapping[int, str] | None = field(default=None, compare=False)
    # What the relevance gate found for the question (`grounding_of`): stored and counted.
    grounding: Grounding = Grounding.FOUND


class Answerer(Protocol):
    @property
    def model(self) -> str: ...

    def answer(
        self,
        question: str,
        tools: AgentTools,
        history: Sequence[Exchange] = (),
        deadline: Deadline | None = None,
    ) -> DraftAnswer:
        """Answer from what `tools` return, citing passages by their numbers (`tools.cited`).

        With a `deadline`, give up (LlmUnavailableError) rather than run past it.
        """
        ...
