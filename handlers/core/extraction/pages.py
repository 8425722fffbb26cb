"""What extraction produces (parts of text: pages or heading sections) and its limits."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Runs of spaces and tabs other than a single space (NFKC has made every other space
# character a plain space by then); matching single spaces too would touch every word.
_SPACES = re.compile(r"\t[ \t]*| [ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Hyphens a layout engine inserted where it broke a word: the soft hyphen, and the
# U+FFFE / U+0002 PDFium reports for one; with the line break after them, they go.
_SOFT_BREAK = re.compile(r"[\u00ad\ufffe\x02][ \t]*(?:\n[ \t]*)?")
# Non-characters (U+FDD0..U+FDEF and the last two code points of every plane) and the
# C0/C1 controls other than tab, line feed and form feed. The planes above the first are
# matched apart, and only when the text has such characters: a class with them costs ten
# times more per character.
_JUNK = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufeff\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_JUNK = re.compile(
    "["
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
    )
    + "]"
)
# A word broken with a hard hyphen at the end of a line, continued in lower case on the
# next: "manage-\nment" → "management" (typeset PDFs break words this way). The letter
# before the hyphen is checked in `_rejoin`: a pattern starting with a look-behind would
# be tried at every character.
_BROKEN_WORD = re.compile(r"-\n(?=[a-z\u00e0-\u00ff])")


def _rejoin(match: re.Match[str]) -> str:
    start = match.start()
    return "" if start and match.string[start - 1].isalpha() else match.group(0)


@dataclass(frozen=True)
class Heading:
    """A heading the document's outline says starts on a page: its `title` as printed and
    its `path` (the titles above it and its own, joined as sections are)."""

    title: str
    path: str


@dataclass(frozen=True)
class Page:
    """One part of a document: a page, or a heading section of a format without pages.

    `number` is the 1-based page a reader would cite (for formats without pages: 1, or the
    form-feed page of a text file); `label` the page label printed in the PDF, when it has
    one; `section` the heading path ("Install > Requirements") for sectioned formats;
    `headings` the PDF outline's entries that point at this page, in outline order.
    """

    number: int
    text: str
    label: str | None = None
    section: str | None = None
    headings: tuple[Heading, ...] = ()


@dataclass(frozen=True)
class ExtractionLimits:
    max_bytes: int
    max_pages: int
    # What a DOCX may declare as its uncompressed size (zip bombs are refused before parsing).
    max_uncompressed_bytes: int = 256 * 1024 * 1024
    max_zip_entries: int = 10_000
    # Element nesting an HTML file may have: parsing time grows with the square of the depth
    # (3.3 MB of nested tags took 6 minutes); browsers flatten the tree past 512 levels.
    max_html_depth: int = 512


def clean_text(text: str) -> str:
    """NFKC, no layout hyphens or non-characters, words split across lines rejoined,
    unified line breaks, runs of spaces and blank lines collapsed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_BREAK.sub("", text)
    # NFKC after the soft breaks (it would keep U+00AD) and before the junk filter.
    text = _JUNK.sub("", unicodedata.normalize("NFKC", text))
    if _ASTRAL.search(text):
        text = _ASTRAL_JUNK.sub("", text)
    text = _BROKEN_WORD.sub(_rejoin, text)
    lines = [line.strip() for line in _SPACES.sub(" ", text).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
