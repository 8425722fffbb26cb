"""UTF-8 text and Markdown. A form feed (`\\f`) starts a new page, as text exports do."""

from __future__ import annotations

from handlers.core.extraction.pages import Page, clean_text


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 as a last resort."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def text_pages(data: bytes) -> list[Page]:
    text = decode_text(data)
    return [Page(number=i + 1, text=clean_text(part)) for i, part in enumerate(text.split("\f"))]
