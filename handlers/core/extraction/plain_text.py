"""UTF-8 text and Markdown. A form feed (`\\f`) starts a new page, as text exports do;
headings (Markdown's, which plain text often uses too) start a new section."""

from __future__ import annotations

from handlers.core.extraction.pages import Page, clean_text
from handlers.core.extraction.sections import markdown_sections


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 as a last resort."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def text_pages(data: bytes) -> list[Page]:
    """A part per section of each page (a page without headings is one part)."""
    text = decode_text(data)
    parts: list[Page] = []
    for number, page in enumerate(text.split("\f"), start=1):
        sections = markdown_sections(page) or [(None, "")]
        parts.extend(
            Page(number=number, text=clean_text(body), section=section)
            for section, body in sections
        )
    return parts
