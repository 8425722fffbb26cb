"""What the benchmark reads back from the product: answers and their citations' public
fields, and the two ways it asks (`offline`, `openai`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["offline", "openai"]
MODES: tuple[Mode, ...] = ("offline", "openai")


@dataclass(frozen=True)
class CitationView:
    document_id: str
    page: int | None
    section: str | None
    excerpt: str


@dataclass(frozen=True)
class Answer:
    text: str
    citations: list[CitationView]
    seconds: float
    grounding: str = "found"  # the message's: found, doubtful or not_found
