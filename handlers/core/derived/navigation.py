"""Tables of contents and indexes: pages that name every subject and answer none.

They share words with almost any question, so they would outrank the page that answers
it. A part is navigation when most of its lines point at pages: dot leaders ("Install
....... 12"), or a title followed by page numbers ("Installing, 12, 45-47") where the
numbers could be pages of this document. A section of a format without pages is
navigation when its own heading says so ("Table of Contents", "Index"): an HTML contents
list links its entries instead of printing page numbers.

A chapter's first page often lists the chapter's sections and then starts the first one:
`contents_span` finds such a list (of dot-leader entries) inside a page, so that only the
list is navigation and the text beside it (often the answer: a FAQ's first entry) is
ranked as body text.
"""

from __future__ import annotations

import re

from handlers.core.contracts.layout import SECTION_SEPARATOR

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
# A list inside a page: title lines within this many lines of the page's start join it, and
# an entry wraps onto at most this many lines before the one that ends with its page.
LEAD_LINES = 3
WRAPPED_LINES = 2
# At most this many words make a title line, which may join the list below it.
TITLE_WORDS = 8
# The text beside such a list that makes the page a body page, not navigation.
MIN_BODY_WORDS = 15


def is_navigation(text: str, page_count: int) -> bool:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < MIN_LINES:
        return False
    pointing = sum(1 for line in lines if _points_at_pages(line, page_count))
    share = pointing / len(lines)
    titled = any(_TITLE.match(line) for line in lines[:3])
    return share >= MIN_SHARE or (titled and share >= MIN_SHARE / 2)


def contents_span(text: str, page_count: int) -> tuple[int, int] | None:
    """The (start, end) of the longest run of at least `MIN_LINES` dot-leader entries
    ("Installing ....... 12") in `text` (an entry may wrap onto `WRAPPED_LINES` lines
    before the one ending with its page; when at most `LEAD_LINES` title lines precede the
    first entry, they join the run), when at least `MIN_BODY_WORDS` words of body text
    (lines that do not point at pages either) lie outside it; else None."""
    best: tuple[int, int, int] | None = None  # (entries, start, end)
    run: list[int] | None = None  # [entries, start, end, lines since the last entry]
    offset, line_number = 0, 0
    titles_only = True  # every line so far is a title ("Chapter 18", "FAQ")
    for line in text.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        stripped = line.strip()
        if not stripped:
            continue
        line_number += 1
        if _leads_to_page(stripped):
            if run is None:
                opens_page = titles_only and line_number <= LEAD_LINES + 1
                run = [0, 0 if opens_page else line_start, line_end, 0]
            run[0], run[2], run[3] = run[0] + 1, line_end, 0
            continue
        titles_only = titles_only and _title_like(stripped)
        if run is not None:
            run[3] += 1
            if run[3] > WRAPPED_LINES:
                best = _longer(best, run)
                run = None
    best = _longer(best, run)
    if best is None or best[0] < MIN_LINES:
        return None
    _, start, end = best
    outside = _body_words(text[:start], page_count) + _body_words(text[end:], page_count)
    return (start, end) if outside >= MIN_BODY_WORDS else None


def _title_like(line: str) -> bool:
    """A heading line, not body text: a few words, not ending a sentence."""
    return len(line.split()) <= TITLE_WORDS and line[-1] not in ".,;:!?"


def _body_words(text: str, page_count: int) -> int:
    lines = (line.strip() for line in text.split("\n"))
    return sum(
        len(line.split()) for line in lines if line and not _points_at_pages(line, page_count)
    )


def _leads_to_page(line: str) -> bool:
    """A dot-leader entry: inside a page, only dot leaders tell a list of contents from a
    table of numbers or code, whose lines end in numbers too."""
    return line[-1] in _PAGE_END_CHARS and _DOT_LEADER.search(line) is not None


def _longer(
    best: tuple[int, int, int] | None, run: list[int] | None
) -> tuple[int, int, int] | None:
    if run is None or (best is not None and best[0] >= run[0]):
        return best
    return (run[0], run[1], run[2])


def is_contents_heading(section: str | None) -> bool:
    """Whether a heading path ends in a "Table of Contents", "Contents" or "Index" heading."""
    if not section:
        return False
    return _TITLE.match(section.rsplit(SECTION_SEPARATOR, 1)[-1]) is not None


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
