"""Where an outline's headings start in a page's text.

The outline names a page, not a place on it: each heading is found by its words, in
outline order, in the page's final text (after running heads are stripped). Words are
compared case-folded, and the heading starts at the beginning of its line, so that a
printed number ("18.19 How did doxygen get its name?") belongs to it. A heading not found
(drawn as an image, or worded differently) gets no place on its page.

The search is bounded, because the outline and the text are the file's to declare: at most
`MAX_HEADINGS_PER_PAGE` headings are placed on a page, and each is tried at no more than
`MAX_TRIES` places where its first word occurs.

Passages are cut at the places, so a stretch too short to answer anything does not keep
its own: a heading with fewer than `MIN_SECTION_WORDS` words before the next (a chapter
title right above its first section, whose path names the chapter anyway; a heading at
the foot of a page, its body on the next) is left to the text before it, and a page's
first few words (a sentence run on from the page before) start under its first heading.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from handlers.core.extraction.pages import Heading

_WORD = re.compile(r"\S+")
MIN_SECTION_WORDS = 20
MAX_HEADINGS_PER_PAGE = 200
MAX_TRIES = 1_000


def locate_headings(text: str, headings: Sequence[Heading]) -> tuple[tuple[int, str], ...]:
    """(offset in `text`, heading path) of each heading found, in ascending offsets."""
    if not headings or not text:
        return ()
    matches = list(_WORD.finditer(text))
    words = [match.group().casefold() for match in matches]
    places: dict[str, list[int]] = {}
    for index, word in enumerate(words):
        places.setdefault(word, []).append(index)
    located: list[tuple[int, str]] = []
    after = 0  # the word index a later heading is searched from
    floor = 0  # the offset a later heading may start at
    for heading in headings[:MAX_HEADINGS_PER_PAGE]:
        title = heading.title.casefold().split()
        found = _find(words, places, title, after)
        if found is None:
            continue
        start = max(text.rfind("\n", 0, matches[found].start()) + 1, floor)
        if located and located[-1][0] == start:
            located[-1] = (start, heading.path)  # two headings on one line: the deeper one
        else:
            located.append((start, heading.path))
        after = found + len(title)
        floor = start
    return _without_stubs(text, located)


def _without_stubs(text: str, located: list[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
    kept: list[tuple[int, str]] = []
    for position, (start, path) in enumerate(located):
        end = located[position + 1][0] if position + 1 < len(located) else len(text)
        if _words(text, start, end) >= MIN_SECTION_WORDS:
            kept.append((start, path))
    if kept and _words(text, 0, kept[0][0]) < MIN_SECTION_WORDS:
        kept[0] = (0, kept[0][1])
    return tuple(kept)


def _words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _find(
    words: list[str], places: dict[str, list[int]], title: list[str], after: int
) -> int | None:
    """The first word index ≥ `after` where `title` occurs as consecutive words."""
    if not title:
        return None
    candidates = places.get(title[0], [])
    first = bisect_left(candidates, after)
    size = len(title)
    for index in candidates[first : first + MAX_TRIES]:
        if words[index : index + size] == title:
            return index
    return None
