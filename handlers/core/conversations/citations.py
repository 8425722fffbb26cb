"""A cited passage → the citation stored with the answer: page, section, exact quote span.

A citation names the part (page or heading section) of the passage and the quoted span
as character offsets into that part's text (`GET /documents/{id}/parts/{part}`), so the
site can show the page with the quote highlighted: `part_text[start:end] == excerpt`.
The quote is the text the answer quoted when the answerer says which (whitespace may
differ, as quotes are often reflowed), else the start of the passage. Passages stored in
format 1 have no parts: their citations carry the excerpt alone.
"""

from __future__ import annotations

import re

from handlers.core.conversations.models import Citation
from handlers.core.derived.passage import Passage

EXCERPT_CHARS = 600
_ELLIPSIS = "\u2026"


def citation_for(passage: Passage, quote: str | None = None) -> Citation:
    span = _span(passage.text, quote) if quote else None
    if span is None:
        span = _leading_span(passage.text)
    start, end = span
    located = passage.part is not None and passage.start is not None
    return Citation(
        document_id=passage.document_id,
        document_name=passage.document_name,
        page=passage.page,
        excerpt=passage.text[start:end] if located else _flat_excerpt(passage.text),
        score=passage.score,
        part=passage.part,
        page_label=passage.page_label,
        section=passage.section,
        start=passage.start + start if located and passage.start is not None else None,
        end=passage.start + end if located and passage.start is not None else None,
    )


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` is in `text`, ignoring differences of whitespace and a trailing "…"."""
    return _span(text, quote)


def _span(text: str, quote: str) -> tuple[int, int] | None:
    quote = quote.strip().removesuffix(_ELLIPSIS).strip()
    if not quote:
        return None
    found = text.find(quote)
    if found >= 0:
        return found, found + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, text)
    return (match.start(), match.end()) if match else None


def _leading_span(text: str) -> tuple[int, int]:
    """The passage's start, cut at the last whitespace within EXCERPT_CHARS."""
    if len(text) <= EXCERPT_CHARS:
        return 0, len(text)
    cut = max(text.rfind(" ", 0, EXCERPT_CHARS), text.rfind("\n", 0, EXCERPT_CHARS))
    return 0, (cut if cut > 0 else EXCERPT_CHARS)


def _flat_excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + _ELLIPSIS
