"""A cited passage → the citation stored with the answer: page, section, exact quote span.

A citation names the part (page or heading section) of the passage and the quoted span
as character offsets into that part's text (`GET /documents/{id}/parts/{part}`), so the
site can show the page with the quote highlighted: `part_text[start:end] == excerpt`.
The quote is the span the answer quoted when the answerer located one
(`handlers.core.llm.tools.Cited`: the offline answerer's sentences, a model's verified
quotes), else the start of the passage. Passages stored in format 1 have no parts: their
citations carry the excerpt alone (the quoted text when there is one).
"""

from __future__ import annotations

from handlers.core.conversations.models import Citation
from handlers.core.derived.passage import Passage

EXCERPT_CHARS = 600
_ELLIPSIS = "\u2026"


def citation_for(passage: Passage, quoted: tuple[int, int] | None = None) -> Citation:
    """The citation of a passage; `quoted` is the quote's span in the passage's text."""
    start, end = quoted if quoted is not None else _leading_span(passage.text)
    located = passage.part is not None and passage.start is not None
    if located or quoted is not None:
        excerpt = passage.text[start:end]
    else:
        excerpt = _flat_excerpt(passage.text)
    return Citation(
        document_id=passage.document_id,
        document_name=passage.document_name,
        page=passage.page,
        excerpt=excerpt,
        score=passage.score,
        part=passage.part,
        page_label=passage.page_label,
        section=passage.section,
        start=passage.start + start if located and passage.start is not None else None,
        end=passage.start + end if located and passage.start is not None else None,
    )


def _leading_span(text: str) -> tuple[int, int]:
    """The passage's start, cut at the last whitespace within EXCERPT_CHARS."""
    if len(text) <= EXCERPT_CHARS:
        return 0, len(text)
    cut = max(text.rfind(" ", 0, EXCERPT_CHARS), text.rfind("\n", 0, EXCERPT_CHARS))
    return 0, (cut if cut > 0 else EXCERPT_CHARS)


def _flat_excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + _ELLIPSIS
