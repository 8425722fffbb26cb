"""A PDF's outline (its bookmarks): which headings start on which page.

Typeset manuals (LaTeX, DocBook, Texinfo) carry their sections as bookmarks, each pointing
at a page. The outline is read with bounds, because it is the file's to declare: at most
`MAX_ENTRIES` entries, `MAX_DEPTH` levels (pypdfium2 stops at circular references) and
`MAX_TITLE_CHARS` characters per title.
"""

from __future__ import annotations

from itertools import islice

import pypdfium2 as pdfium

from handlers.core.contracts.layout import SECTION_SEPARATOR
from handlers.core.extraction.pages import Heading, clean_text

MAX_ENTRIES = 10_000
MAX_DEPTH = 8
MAX_TITLE_CHARS = 200


def outline_by_page(document: pdfium.PdfDocument) -> dict[int, list[Heading]]:
    """Page index (0-based) → the headings pointing at it, in outline order. Entries with
    no title or no page in this document are left out (their children keep their path)."""
    page_count = len(document)
    stack: list[str] = []
    by_page: dict[int, list[Heading]] = {}
    for bookmark in islice(document.get_toc(max_depth=MAX_DEPTH), MAX_ENTRIES):
        # Cut before cleaning too: a title is as long as the file makes it.
        raw = bookmark.get_title()[: MAX_TITLE_CHARS * 2]
        title = " ".join(clean_text(raw)[:MAX_TITLE_CHARS].split())
        del stack[bookmark.level :]
        if not title:
            continue
        stack.extend([""] * (bookmark.level - len(stack)))
        stack.append(title)
        destination = bookmark.get_dest()
        index = destination.get_index() if destination is not None else None
        if index is None or not 0 <= index < page_count:
            continue
        path = SECTION_SEPARATOR.join(part for part in stack if part)
        by_page.setdefault(index, []).append(Heading(title=title, path=path))
    return by_page
