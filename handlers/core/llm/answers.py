"""What an answerer produces, and the interface both providers implement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from handlers.core.llm.deadline import Deadline

if TYPE_CHECKING:
    from handlers.core.llm.tools import AgentTools


@dataclass(frozen=True)
class Exchange:
    """An earlier question and answer of the conversation, for context."""

    question: str
    answer: str


@dataclass(frozen=True)
class DraftAnswer:
    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    llm_calls: int = 0
    llm_latency_ms: float = 0.0


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
