"""What extraction produces (pages of text) and the limits that keep memory bounded."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Page:
    """`number` is 1-based, as a reader would cite it."""

    number: int
    text: str


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
    """Unify line breaks, collapse runs of spaces and blank lines, drop NULs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = text.replace("\ufeff", "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
