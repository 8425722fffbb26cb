"""DOCX text with python-docx, after refusing zip bombs: first by the sizes the zip's
directory declares (free), then by inflating every part with a running cap
(`zip_inflate`), since the directory may lie.

Pages: Word records where it last broke pages (`w:lastRenderedPageBreak`); a file never
laid out by Word (generated ones) only has hard page breaks (`w:br w:type="page"`). The
first kind is used when present, else the second, so a break is never counted twice.
A paragraph styled as a heading ("Heading 1"…"Heading 9", "Title") starts a new part
named by its heading path, so a part is a section of a page.
"""

from __future__ import annotations

import io
import re
import zipfile

from handlers.core.extraction.errors import ExtractionError
from handlers.core.extraction.pages import ExtractionLimits, Page, clean_text
from handlers.core.extraction.sections import HeadingPath
from handlers.core.extraction.zip_inflate import check_inflated_size

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _T, _TAB, _BR, _CR = f"{_W}p", f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"
_RENDERED_BREAK = f"{_W}lastRenderedPageBreak"
_TYPE = f"{_W}type"
_PARAGRAPH_STYLE = f"{_W}pPr/{_W}pStyle"
_VAL = f"{_W}val"
# Style ids of headings: "Heading1".."Heading9" (and "Title", level 0 above them all).
_HEADING_STYLE = re.compile(r"^(?:heading\s*([1-9])|title)$", re.IGNORECASE)


def check_zip(data: bytes, limits: ExtractionLimits) -> None:
    """Refuse an archive whose declared uncompressed size or entry count is out of bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ExtractionError(
            "corrupt", "The Word document could not be read: it is damaged."
        ) from exc
    if len(entries) > limits.max_zip_entries:
        raise ExtractionError("zip_bomb", "The Word document has too many internal parts.")
    declared = sum(entry.file_size for entry in entries)
    if declared > limits.max_uncompressed_bytes:
        raise ExtractionError(
            "zip_bomb",
            "The Word document expands to more than"
            f" {limits.max_uncompressed_bytes // (1024 * 1024)} MB; it cannot be processed.",
        )
    check_inflated_size(
        data, max_total_bytes=limits.max_uncompressed_bytes, max_entries=limits.max_zip_entries
    )


def docx_pages(data: bytes, limits: ExtractionLimits) -> list[Page]:
    check_zip(data, limits)
    import docx

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors...
        raise ExtractionError(
            "corrupt", "The Word document could not be read: it is damaged."
        ) from exc
    use_rendered = next(body.iter(_RENDERED_BREAK), None) is not None
    # Each part: [page number, heading path, text pieces].
    parts: list[tuple[int, str | None, list[str]]] = [(1, None, [])]
    headings = HeadingPath()
    page_break = _RENDERED_BREAK if use_rendered else _BR
    for element in body.iter(_P, _T, _TAB, _BR, _CR, _RENDERED_BREAK):
        tag = element.tag
        kind = element.get(_TYPE)
        page, section, pieces = parts[-1]
        if tag == _T:
            pieces.append(element.text or "")
        elif tag == _P:
            level = _heading_level(element)
            if level is not None:
                title = "".join(t.text or "" for t in element.iter(_T))
                section = headings.enter(level, title)
                if "".join(pieces).strip():
                    parts.append((page, section, []))
                else:  # nothing yet under the previous heading on this page: rename it
                    parts[-1] = (page, section, pieces)
            parts[-1][2].append("\n")
        elif tag == _TAB:
            pieces.append("\t")
        elif tag == page_break and (use_rendered or kind == "page"):
            parts.append((page + 1, section, []))
        elif tag in (_BR, _CR) and kind in (None, "textWrapping"):
            pieces.append("\n")
        if parts[-1][0] > limits.max_pages:
            raise ExtractionError(
                "too_many_pages", f"The document has more than {limits.max_pages} pages."
            )
    return [
        Page(number=page, text=clean_text("".join(pieces)), section=section)
        for page, section, pieces in parts
    ]


def _heading_level(paragraph: object) -> int | None:
    style = paragraph.find(_PARAGRAPH_STYLE)  # type: ignore[attr-defined]
    match = _HEADING_STYLE.match(style.get(_VAL, "")) if style is not None else None
    if match is None:
        return None
    return int(match.group(1)) if match.group(1) else 0
