"""Sentence spans of a passage: where each sentence starts and ends in the text.

Spans, not strings, so a quoted sentence can be located exactly in the passage (and so in
its page). A sentence ends at `.`, `!` or `?` (and any closing quote or bracket) followed by
white space, or at a blank line; an abbreviation ("e.g.", "Fig.", a single initial) does
not end one. A run of text longer than `MAX_SENTENCE_CHARS` without such an end (a list,
a table, lines of a PDF without punctuation) is cut at line breaks into runs of lines no
longer than that.
"""

from __future__ import annotations

import re

MAX_SENTENCE_CHARS = 400

_BOUNDARY = re.compile(r"(?<=[.!?])([\"')\]\u201d\u2019]*)\s+|\n[ \t]*\n\s*")
_ABBREVIATION = re.compile(
    r"\b(?:e\.g|i\.e|etc|vs|cf|fig|no|vol|ch|sec|approx|mr|mrs|ms|dr|st)\.$", re.IGNORECASE
)
_INITIAL = re.compile(r"(?<![\w-])[A-Z]\.$")  # "J. Smith"; not an option's "-x."


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, without surrounding white space."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        closing = match.group(1) or ""
        end = match.start() + len(closing)
        if "\n" not in match.group() and not closing and _abbreviation(text[start:end]):
            continue
        spans.extend(_cut_long(text, start, end))
        start = match.end()
    spans.extend(_cut_long(text, start, len(text)))
    return spans


def _abbreviation(sentence: str) -> bool:
    tail = sentence[-8:]
    return bool(_ABBREVIATION.search(tail) or _INITIAL.search(tail))


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The run as one sentence, or cut into runs of whole lines of at most
    `MAX_SENTENCE_CHARS` (a longer line stays whole)."""
    if end - start <= MAX_SENTENCE_CHARS:
        span = _trim(text, start, end)
        return [span] if span is not None else []
    pieces: list[tuple[int, int]] = []
    piece_start = position = start
    for line in re.finditer(r"\n", text[start:end]):
        line_end = start + line.start()
        if line_end - piece_start > MAX_SENTENCE_CHARS and position > piece_start:
            pieces.append((piece_start, position))
            piece_start = position
        position = start + line.end()
    if end - piece_start > MAX_SENTENCE_CHARS and position > piece_start:
        pieces.append((piece_start, position))
        piece_start = position
    pieces.append((piece_start, end))
    return [span for span in (_trim(text, a, b) for a, b in pieces) if span is not None]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None
