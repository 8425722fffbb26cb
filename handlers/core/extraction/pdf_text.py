"""PDF text with pypdfium2 (PDFium: the fastest extractor measured here), page by page,
with the page labels the PDF prints ("iv", "A-3") where it defines them and the headings
its outline points at each page (`pdf_outline`)."""

from __future__ import annotations

import pypdfium2 as pdfium

from handlers.core.extraction.errors import ExtractionError
from handlers.core.extraction.pages import ExtractionLimits, Heading, Page, clean_text
from handlers.core.extraction.pdf_outline import outline_by_page

# PDFium's FPDF_GetLastError codes for FPDF_LoadDocument.
_ERR_PASSWORD = 4
_ERR_SECURITY = 5


def pdf_pages(data: bytes, limits: ExtractionLimits) -> list[Page]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (_ERR_PASSWORD, _ERR_SECURITY):
            raise ExtractionError(
                "encrypted",
                "The PDF is password-protected. Remove the password and upload it again.",
            ) from exc
        raise ExtractionError(
            "corrupt", "The PDF could not be read: it is damaged or incomplete."
        ) from exc
    try:
        count = len(document)
        if count > limits.max_pages:
            raise ExtractionError(
                "too_many_pages", f"The PDF has {count} pages; the limit is {limits.max_pages}."
            )
        outline = _outline(document)
        return [
            Page(
                number=index + 1,
                text=_page_text(document, index),
                label=_page_label(document, index),
                headings=tuple(outline.get(index, ())),
            )
            for index in range(count)
        ]
    except pdfium.PdfiumError as exc:
        raise ExtractionError(
            "corrupt", "The PDF could not be read: it is damaged or incomplete."
        ) from exc
    finally:
        document.close()


def _page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return clean_text(textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()


def _outline(document: pdfium.PdfDocument) -> dict[int, list[Heading]]:
    """The outline's headings per page; none when the outline cannot be read (the text
    still can: a damaged outline only costs the passages their section)."""
    try:
        return outline_by_page(document)
    except pdfium.PdfiumError:
        return {}


def _page_label(document: pdfium.PdfDocument, index: int) -> str | None:
    """The label the PDF defines for the page; None when it has none or it is the number."""
    label = document.get_page_label(index).strip()
    return label if label and label != str(index + 1) else None
