"""UTF-8 text and Markdown. A form feed (`\\f`) starts a new page, as text exports do;
headings (Markdown's, which plain text often uses too, and plain text's numbered ones)
start a new section."""

from __future__ import annotations

from handlers.core.extraction.errors import ExtractionError
from handlers.core.extraction.pages import Page, clean_text
from handlers.core.extraction.sections import markdown_sections

_PAGE_BREAK = "\f"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 as a last resort."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def check_page_count(text: str, max_pages: int) -> None:
    """Refuse too many pages by counting the breaks before splitting on them: 15 MB of form
    feeds would otherwise become 15 million page strings (gigabytes) before any check."""
    count = text.count(_PAGE_BREAK) + 1
    if count > max_pages:
        raise ExtractionError(
            "too_many_pages", f"The document has {count} pages; the limit is {max_pages}."
        )


def text_pages(
    data: bytes, max_pages: int | None = None, *, numbered_headings: bool = False
) -> list[Page]:
    """A part per section of each page (a page without headings is one part).
    `numbered_headings`: plain text, not Markdown (where "1. Step" opens a list)."""
    text = decode_text(data)
    if max_pages is not None:
        check_page_count(text, max_pages)
    parts: list[Page] = []
    for number, page in enumerate(text.split(_PAGE_BREAK), start=1):
        sections = markdown_sections(page, numbered=numbered_headings) or [(None, "")]
        parts.extend(
            Page(number=number, text=clean_text(body), section=section)
            for section, body in sections
        )
    return parts
