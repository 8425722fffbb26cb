"""Heading sections (`Sections`; an HTML document's: `HtmlSections`), to score citations of
formats without pages (Markdown and text: text_sections.py).

A citation names its section (`section`, a heading path) once the product fills it; until
then, and for citations without it, the section is found by locating the citation's
excerpt in the document's text. Both sides are compared after `normalise_for_match`, so a
product that cleans its text differently (NFKC, soft hyphens, whitespace) still matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

_INVISIBLE = "script, style, noscript, template, svg, head, iframe, object, embed"
_HEADINGS = "h1, h2, h3, h4, h5, h6"
_MARK = "\u0000section\u0000"
_DROPPED = dict.fromkeys(map(ord, "\u00ad\ufffe\uffff\u200b"), None)
_SPACE = re.compile(r"\s+")
# Between the headings of a section path: U+203A (the contract's), ">" or "/".
_PATH_SEPARATOR = re.compile("\\s*[\u203a>/]\\s*")
# Enough of an excerpt (without spaces) to place it; short enough to survive a different
# end of passage.
PROBE_CHARS = 70


def normalise_for_match(text: str) -> str:
    """NFKC, case-folded, invisible characters and all whitespace dropped: extractors differ
    in where they put spaces and line breaks (around inline code, between blocks)."""
    text = unicodedata.normalize("NFKC", text).translate(_DROPPED).casefold()
    return _SPACE.sub("", text)


def normalise_heading(text: str) -> str:
    """A heading without its section number or anchor mark (`4.2.1. Foo ¶` → `foo`)."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return re.sub(r"^[\d.]+\s+", "", text).rstrip(" ¶#")


@dataclass(frozen=True)
class Section:
    heading: str
    text: str  # normalised


class Sections:
    """A document's heading sections in order; the text before the first heading is a
    nameless section."""

    def __init__(self, parts: list[tuple[str, str]]) -> None:
        self.sections = [Section(heading, normalise_for_match(text)) for heading, text in parts]
        self._joined = "".join(section.text for section in self.sections)
        self._starts: list[int] = []
        offset = 0
        for section in self.sections:
            self._starts.append(offset)
            offset += len(section.text)

    def index_of_heading(self, heading: str) -> int | None:
        """The section under that heading; of several so named, the one with the most text
        (a plain-text table of contents repeats the headings above no text)."""
        wanted = normalise_heading(heading)
        found = [
            index
            for index, section in enumerate(self.sections)
            if normalise_heading(section.heading) == wanted
        ]
        return max(found, key=lambda index: len(self.sections[index].text), default=None)

    def indexes_of_excerpt(self, excerpt: str) -> set[int]:
        """The sections the excerpt's text lies in (empty: not found in the document)."""
        probe = normalise_for_match(excerpt.rstrip("…").rstrip("."))
        if not probe:
            return set()
        head = probe[:PROBE_CHARS]
        start = self._joined.find(head)
        if start < 0:
            return set()
        end = start + len(probe)
        return {
            index
            for index, begin in enumerate(self._starts)
            if begin < end and begin + len(self.sections[index].text) > start
        }

    def indexes_of_path(self, path: str) -> set[int]:
        """The sections a citation's heading path names: its last heading ("A > B" → B)."""
        last = _PATH_SEPARATOR.split(path)[-1]
        index = self.index_of_heading(last)
        return set() if index is None else {index}


class HtmlSections(Sections):
    def __init__(self, data: bytes) -> None:
        tree = LexborHTMLParser(data.decode("utf-8", errors="replace"))
        for node in tree.css(_INVISIBLE):
            node.decompose()
        headings = []
        for node in tree.css(_HEADINGS):
            headings.append(node.text(deep=True, separator=" ", strip=True))
            node.insert_before(_MARK)
        root = tree.body or tree.root
        text = root.text(deep=True, separator=" ", strip=False) if root is not None else ""
        parts = text.split(_MARK)
        super().__init__([("", parts[0]), *zip(headings, parts[1:], strict=True)])
