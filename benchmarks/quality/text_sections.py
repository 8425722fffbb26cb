"""The heading sections of a Markdown or plain-text document, to score its citations.

Markdown: ATX (`## Title`) and setext (`Title` over `===`/`---`) headings outside fenced
code. Plain text as documentation tools export it (DocBook's, e.g. the Debian FAQ) numbers
its headings instead: a line at the left margin after a blank line, starting with a
section number (`1.2.` or `Chapter 3.`), wrapped onto the following lines up to a blank
one. Body text of such exports is indented, so a numbered line at the margin is a heading.
Written apart from the product's own splitter (handlers/core/extraction/sections.py): the
labels must not depend on what they measure.
"""

from __future__ import annotations

import re

from benchmarks.quality.html_sections import Sections

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_NUMBERED = re.compile(r"^(?:Chapter\s+\d+\.|\d+(?:\.\d+)*\.)[ \t\u00a0]+\S")


def markdown_headings(lines: list[str]) -> dict[int, str]:
    """Line index → heading, of Markdown's headings."""
    found: dict[int, str] = {}
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        atx = _ATX.match(line)
        if atx:
            found[index] = atx.group(2)
            continue
        previous = lines[index - 1].strip() if index else ""
        underlined = _SETEXT.match(line) and previous and not _SETEXT.match(previous)
        if underlined and index - 1 not in found:
            found[index - 1] = previous
    return found


def numbered_headings(lines: list[str]) -> dict[int, str]:
    """Line index → heading (its wrapped lines joined), of numbered headings at the margin."""
    found: dict[int, str] = {}
    for index, line in enumerate(lines):
        if not _NUMBERED.match(line) or (index and lines[index - 1].strip()):
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() and not lines[end][0].isspace():
            end += 1
        found[index] = " ".join(part.strip() for part in lines[index:end])
    return found


class TextSections(Sections):
    def __init__(self, data: bytes, *, numbered: bool) -> None:
        lines = data.decode("utf-8-sig", errors="replace").split("\n")
        headings = numbered_headings(lines) if numbered else markdown_headings(lines)
        parts: list[tuple[str, str]] = []
        heading, start = "", 0
        # A section's text starts with its heading's lines, as an HTML section's does.
        for index, title in sorted(headings.items()):
            parts.append((heading, "\n".join(lines[start:index])))
            heading, start = title, index
        parts.append((heading, "\n".join(lines[start:])))
        super().__init__(parts)
