"""Extracted pages → the document's parts: furniture stripped, navigation flagged."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.core.derived.navigation import is_navigation
from handlers.core.derived.page_furniture import strip_page_furniture
from handlers.core.derived.passage import Part
from handlers.core.extraction.pages import Page


def build_parts(pages: Sequence[Page], *, paged: bool) -> list[Part]:
    """One part per extracted page or section, in order, blank ones too (so that a PDF's
    part n is its page n). `paged`: the pages' numbers are pages a reader can cite."""
    texts = [page.text for page in pages]
    one_part_per_page = len({page.number for page in pages}) == len(pages)
    if paged and one_part_per_page:
        texts = strip_page_furniture(texts)
    page_count = max((page.number for page in pages), default=0)
    return [
        Part(
            number=position,
            text=text,
            page=page.number if paged else None,
            page_label=page.label,
            section=page.section,
            navigation=is_navigation(text, page_count),
        )
        for position, (page, text) in enumerate(zip(pages, texts, strict=True), start=1)
    ]
