"""Heading sections: the parts of documents without pages (HTML, Markdown, text, Word).

A citation names the section it quotes from by its heading path, e.g. "Installation >
Requirements": `HeadingPath` keeps the open headings by level. `markdown_sections` splits
Markdown (and plain text written like it) at ATX (`## Title`) and setext (`Title` over
`===` or `---`) headings, ignoring fenced code blocks. Plain text as documentation tools
export it (DocBook, texinfo, man pages converted to text) numbers its headings instead:
with `numbered=True`, a line at the left margin after a blank line that starts with a
section number ("1.2. Title", "Chapter 3. Title", "Appendix A. Title"), wrapped onto the
following margin lines, is a heading when what follows it is a blank line or indented
text — not another numbered line, which makes it an entry of a table of contents — and
a "Contents" or "Table of Contents" line between blank lines opens the contents' own
section (flagged as navigation like an HTML one). Its level is its number's depth. A
section's text starts with its heading line, so the heading's words stay searchable.
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
_NUMBERED = re.compile(
    r"^(?:(?:chapter|appendix|part|section)\s+(?P<word>\d+|[a-z])\.?|(?P<number>\d+(?:\.\d+)*)\.)"
    r"[ \t\u00a0]+\S",
    re.IGNORECASE,
)
_NUMBERED_ENTRY = re.compile(r"^\s*\d+(?:\.\d+)*\.[ \t\u00a0]+\S")
_CONTENTS = re.compile(r"^(?:table of contents|contents)\s*$", re.IGNORECASE)
# A numbered heading wraps onto at most this many lines; more is a paragraph.
MAX_HEADING_LINES = 4


class HeadingPath:
    """The headings open at a point of the document, outermost first."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []

    def enter(self, level: int, title: str) -> str | None:
        """Open a heading of `level` (closing those at the same level or deeper); returns
        the new path."""
        # Cut before stripping: the permalink pattern is anchored at the end, and searching
        # a megabyte-long "heading" for it is quadratic.
        title = " ".join(title[: MAX_HEADING_CHARS * 4].split())[: MAX_HEADING_CHARS * 2]
        title = _PERMALINK.sub("", title)[:MAX_HEADING_CHARS]
        self._open = [(lvl, text) for lvl, text in self._open if lvl < level]
        if title:
            self._open.append((level, title))
        return self.path

    @property
    def path(self) -> str | None:
        return SEPARATOR.join(text for _, text in self._open) or None


def markdown_sections(text: str, *, numbered: bool = False) -> list[tuple[str | None, str]]:
    """(heading path, text) of each section in order; the text before the first heading
    is a section without a path (dropped when blank). `numbered`: plain text, whose
    numbered headings count too (module doc)."""
    lines = text.split("\n")
    headings = _heading_lines(lines)
    if numbered:
        headings = dict(sorted({**_numbered_headings(lines), **headings}.items()))
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


def _numbered_headings(lines: list[str]) -> dict[int, tuple[int, str]]:
    """Line index → (level, title) of plain text's numbered headings (module doc)."""
    found: dict[int, tuple[int, str]] = {}
    for index, line in enumerate(lines):
        if index and lines[index - 1].strip():
            continue  # a heading follows a blank line
        if _CONTENTS.match(line) and _blank(lines, index + 1):
            found[index] = (1, line.strip())
            continue
        match = _NUMBERED.match(line)
        if match is None:
            continue
        end = index + 1
        while (
            end < len(lines)
            and end - index <= MAX_HEADING_LINES
            and lines[end].strip()
            and not lines[end][0].isspace()
        ):
            end += 1
        wrapped = lines[index + 1 : end]
        if (
            end - index > MAX_HEADING_LINES
            or any(_NUMBERED.match(line) or _NUMBERED_ENTRY.match(line) for line in wrapped)
            or _NUMBERED_ENTRY.match(_line(lines, end))
        ):
            continue  # a paragraph, a list, or an entry of a table of contents
        title = " ".join(part.strip() for part in lines[index:end])
        if len(title) > MAX_HEADING_CHARS or (title.endswith(".") and not title.endswith("..")):
            continue  # a sentence: an item of a numbered list ("1. Reboot the machine.")
        number = match.group("number")
        level = number.count(".") + 1 if number else 1
        found[index] = (level, title)
    return found


def _line(lines: list[str], index: int) -> str:
    return lines[index] if index < len(lines) else ""


def _blank(lines: list[str], index: int) -> bool:
    return not _line(lines, index).strip()
