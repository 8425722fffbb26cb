"""The heading sections of a document without pages, by its format (PDFs have none)."""

from __future__ import annotations

from benchmarks.quality.html_sections import HtmlSections, Sections
from benchmarks.quality.labels import Format
from benchmarks.quality.text_sections import TextSections


def document_sections(fmt: Format, data: bytes) -> Sections | None:
    if fmt == "html":
        return HtmlSections(data)
    if fmt in ("md", "txt"):
        return TextSections(data, numbered=fmt == "txt")
    return None
