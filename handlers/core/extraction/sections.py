"""Heading sections: the parts of documents without pages (HTML, Markdown, text, Word).

A citation names the section it quotes from by its heading path, e.g. "Installation >
Requirements": `HeadingPath` keeps the open headings by level. `markdown_sections` splits
Markdown (and plain text written like it) at ATX (`## Title`) and setext (`Title` over
`===` or `---`) headings, ignoring fenced code blocks. A section's text starts with its
heading line, so the heading's words stay searchable.
"""

from __future__ import annotations

import re

from handlers.core.contracts.layout import SECTION_SEPARATOR as SEPARATOR

MAX_HEADING_CHARS = 200

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# Permalink marks documentation generators put after headings (Sphinx, DocBook, mkdocs).
_PERMALINK = re.compile(r"[\s\u00b6\u00a7#\U0001f517]+$")


class HeadingPath:
    """The headings open at a point of the document, outermost first."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []

    def enter(self, level: int, title: str) -> str | None:
        """Open a heading of `level` (closing those at the same level or deeper); returns
        the new path."""
        title = _PERMALINK.sub("", " ".join(title.split()))[:MAX_HEADING_CHARS]
        self._open = [(lvl, text) for lvl, text in self._open if lvl < level]
        if title:
            self._open.append((level, title))
        return self.path

    @property
    def path(self) -> str | None:
        return SEPARATOR.join(text for _, text in self._open) or None


def markdown_sections(text: str) -> list[tuple[str | None, str]]:
    """(heading path, text) of each section in order; the text before the first heading
    is a section without a path (dropped when blank)."""
    lines = text.split("\n")
    headings = _heading_lines(lines)
    sections: list[tuple[str | None, str]] = []
    path = HeadingPath()
    current: str | None = None
    start = 0
    for index, (level, title) in headings.items():
        if index > start or current is not None:
            sections.append((current, "\n".join(lines[start:index])))
        current = path.enter(level, title)
        start = index
    sections.append((current, "\n".join(lines[start:])))
    return [(name, body) for name, body in sections if name is not None or body.strip()]


def _heading_lines(lines: list[str]) -> dict[int, tuple[int, str]]:
    """Line index → (level, title) of every heading outside fenced code."""
    found: dict[int, tuple[int, str]] = {}
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        atx = _ATX.match(line)
        if atx:
            found[index] = (len(atx.group(1)), atx.group(2))
            continue
        underline = _SETEXT.match(line)
        previous = lines[index - 1].strip() if index else ""
        if underline and previous and index - 1 not in found and not _SETEXT.match(previous):
            level = 1 if underline.group(1)[0] == "=" else 2
            # The title line opens the section; its underline stays inside it.
            found[index - 1] = (level, previous)
    return dict(sorted(found.items()))
