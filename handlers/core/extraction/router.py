"""Pick the extractor for a document kind, after checking the bytes match the kind."""

from __future__ import annotations

from handlers.core.extraction.errors import ExtractionError
from handlers.core.extraction.pages import ExtractionLimits, Page
from handlers.core.extraction.sniff import check_type
from handlers.core.runtime.tracing import tracer


@tracer.capture_method(capture_response=False)
def extract_pages(data: bytes, kind: str, limits: ExtractionLimits) -> list[Page]:
    """Every page or section, in order (blank pages too); raises ExtractionError for a bad
    file.

    `kind` is the short name of the declared type (`layout.SUPPORTED_CONTENT_TYPES`).
    """
    tracer.put_annotation("content_kind", kind)
    if len(data) > limits.max_bytes:
        raise ExtractionError(
            "too_large", f"The file is larger than the {limits.max_bytes} byte limit."
        )
    check_type(kind, data)
    if kind == "pdf":
        from handlers.core.extraction.pdf_text import pdf_pages

        pages = pdf_pages(data, limits)
    elif kind == "docx":
        from handlers.core.extraction.docx_text import docx_pages

        pages = docx_pages(data, limits)
    elif kind == "html":
        from handlers.core.extraction.html_text import html_pages

        pages = html_pages(data, limits.max_html_depth)
    else:
        from handlers.core.extraction.plain_text import text_pages

        pages = text_pages(data, limits.max_pages, numbered_headings=kind == "txt")
    # Sections are parts too, but only pages count against the limit.
    page_count = len({page.number for page in pages})
    if page_count > limits.max_pages:
        raise ExtractionError(
            "too_many_pages",
            f"The document has {page_count} pages; the limit is {limits.max_pages}.",
        )
    if not any(page.text for page in pages):
        raise ExtractionError(
            "no_text",
            "No text could be found in this file. If it is a scan, run it through OCR"
            " and upload the result.",
        )
    return pages
