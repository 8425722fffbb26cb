"""Running heads, running footers and bare page numbers: print furniture, not content.

A line is furniture when it sits among the first or last `EDGE_LINES` lines of a page and
the same line (numbers ignored, so "Chapter 3 — page 41" matches its neighbours) sits at
an edge of at least `MIN_SHARE` of the document's pages, or when it is a bare page number
("12", "iv", "Page 3 of 40", "- 7 -"). Only documents with pages are cleaned, and only
with enough pages for a repetition to mean something.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

EDGE_LINES = 2
MIN_PAGES = 3
MIN_SHARE = 0.3
MAX_FURNITURE_CHARS = 120

_DIGITS = re.compile(r"\b\d+\b")
_SPACES = re.compile(r"\s+")
_PAGE_NUMBER = re.compile(
    r"^[-\u2013\u2014\s]*(?:page\s+|p\.\s*)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:/|of)\s*\d{1,4})?[-\u2013\u2014\s]*$",
    re.IGNORECASE,
)


def strip_page_furniture(texts: Sequence[str]) -> list[str]:
    """The pages' texts without running heads, footers and page numbers."""
    if len(texts) < MIN_PAGES:
        return list(texts)
    lines = [text.split("\n") for text in texts]
    edge_counts: Counter[str] = Counter()
    for page in lines:
        edge_counts.update({_shape(line) for line in _edges(page) if _candidate(line)})
    threshold = max(MIN_PAGES, MIN_SHARE * len(texts))
    repeated = {shape for shape, count in edge_counts.items() if count >= threshold}
    return [_strip(page, repeated) for page in lines]


def _strip(page: list[str], repeated: set[str]) -> str:
    keep = [True] * len(page)
    content = [i for i, line in enumerate(page) if line.strip()]
    edges = set(content[:EDGE_LINES] + content[-EDGE_LINES:])
    for i in edges:
        line = page[i]
        if _PAGE_NUMBER.match(line) or (_candidate(line) and _shape(line) in repeated):
            keep[i] = False
    return "\n".join(line for line, kept in zip(page, keep, strict=True) if kept).strip()


def _edges(page: list[str]) -> list[str]:
    content = [line for line in page if line.strip()]
    if len(content) <= 2 * EDGE_LINES:
        return content
    return content[:EDGE_LINES] + content[-EDGE_LINES:]


def _candidate(line: str) -> bool:
    return 0 < len(line.strip()) <= MAX_FURNITURE_CHARS


def _shape(line: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("#", line.strip().lower()))
