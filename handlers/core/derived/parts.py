"""Extracted pages → the document's parts: furniture stripped, navigation flagged, the
outline's headings placed in the text."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.core.derived.headings import locate_headings
from handlers.core.derived.navigation import (
    contents_span,
    is_contents_heading,
    is_navigation,
)
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
    parts: list[Part] = []
    in_force: str | None = None  # the outline's last heading so far
    for position, (page, text) in enumerate(zip(pages, texts, strict=True), start=1):
        parts.append(_part(position, page, text, page_count, paged=paged, in_force=in_force))
        if page.headings:
            in_force = page.headings[-1].path
    return parts


def _part(
    number: int, page: Page, text: str, page_count: int, *, paged: bool, in_force: str | None
) -> Part:
    contents = contents_span(text, page_count)
    navigation = is_contents_heading(page.section) or (
        contents is None and is_navigation(text, page_count)
    )
    return Part(
        number=number,
        text=text,
        page=page.number if paged else None,
        page_label=page.label,
        section=page.section if page.section is not None else in_force,
        navigation=navigation,
        contents=None if navigation else contents,
        headings=locate_headings(text, page.headings),
    )
