"""Tables of contents and indexes: pages that name every subject and answer none.

They share words with almost any question, so they would outrank the page that answers
it. A part is navigation when most of its lines point at pages: dot leaders ("Install
....... 12"), or a title followed by page numbers ("Installing, 12, 45-47") where the
numbers could be pages of this document.
"""

from __future__ import annotations

import re

MIN_LINES = 5
MIN_SHARE = 0.5
# Page references beyond this many pages past the document's end are not page references.
PAGE_SLACK = 20

_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\S{1,6}\s*$|(?:…\s?){2,}\s*\S{1,6}\s*$")
# The page references that end a line: "12", "45-47", "iv", "12, 45"; anchored at the end
# and free of backtracking (this runs on every line of every page).
_TRAILING_PAGES = re.compile(
    r"(?:[\s,:]+(?:\d{1,4}|[ivxlc]{1,6})(?:\s*[-\u2013]\s*(?:\d{1,4}|[ivxlc]{1,6}))?)+\s*$",
    re.IGNORECASE,
)
_PAGE_END_CHARS = frozenset("0123456789ivxlcIVXLC")
_REFERENCE = re.compile(r"\d{1,4}|[ivxlc]{1,6}", re.IGNORECASE)
# Front-matter page numbers (i to xxxix), not any word made of the letters i, v, x, l, c.
_ROMAN = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})", re.IGNORECASE)
_TITLE = re.compile(r"^\s*(?:table of contents|contents|index)\s*$", re.IGNORECASE)


def is_navigation(text: str, page_count: int) -> bool:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < MIN_LINES:
        return False
    pointing = sum(1 for line in lines if _points_at_pages(line, page_count))
    share = pointing / len(lines)
    titled = any(_TITLE.match(line) for line in lines[:3])
    return share >= MIN_SHARE or (titled and share >= MIN_SHARE / 2)


def _points_at_pages(line: str, page_count: int) -> bool:
    if line[-1] not in _PAGE_END_CHARS:
        return False  # most lines: cheap to rule out
    if _DOT_LEADER.search(line):
        return True
    if len(line.split()) > 16:
        return False
    match = _TRAILING_PAGES.search(line)
    if match is None or not any(ch.isalpha() for ch in line[: match.start()]):
        return False
    return all(
        0 < int(ref) <= page_count + PAGE_SLACK if ref.isdigit() else bool(_ROMAN.fullmatch(ref))
        for ref in _REFERENCE.findall(match.group(0))
    )
