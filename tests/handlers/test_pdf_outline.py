"""A PDF's outline (bookmarks) gives its passages their section: read with bounds, placed
in each page's text, passages cut at its headings, stored and read back."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from handlers.core.derived import headings as headings_module
from handlers.core.derived.headings import locate_headings
from handlers.core.derived.parts import build_parts
from handlers.core.derived.passages_file import passages_file_bytes, read_passages_file
from handlers.core.extraction import ExtractionLimits, extract_pages, pdf_outline, pdf_text
from handlers.core.extraction.pages import Heading, Page
from handlers.core.ingest.chunking import chunk_parts

LIMITS = ExtractionLimits(max_bytes=10 * 1024 * 1024, max_pages=50)
SEP = " \u203a "


def words(tag: str, count: int) -> str:
    return " ".join(f"{tag}{n}" for n in range(count))


def heading(pdf: FPDF, title: str, level: int, *, number: str = "") -> None:
    """A printed heading with its bookmark, as LaTeX's hyperref makes them."""
    pdf.start_section(title, level=level)
    pdf.multi_cell(0, 5, f"{number}{title}", new_x="LMARGIN", new_y="NEXT")


def body(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")


def outlined_pdf() -> bytes:
    """Page 1: a chapter and its first section; page 2: that section's end, a second
    section; page 3: only the second section's end."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=9)
    pdf.add_page()
    heading(pdf, "Installing", 0, number="1 ")
    heading(pdf, "Requirements", 1, number="1.1 ")
    body(pdf, words("req", 60))
    pdf.add_page()
    body(pdf, words("more", 30))
    heading(pdf, "Upgrading from an older release", 1, number="1.2 ")
    body(pdf, words("upg", 40))
    pdf.add_page()
    body(pdf, words("tail", 40))
    return bytes(pdf.output())


def test_the_outline_names_the_headings_of_each_page_with_their_path() -> None:
    pages = extract_pages(outlined_pdf(), "pdf", LIMITS)

    assert [[h.path for h in page.headings] for page in pages] == [
        ["Installing", f"Installing{SEP}Requirements"],
        [f"Installing{SEP}Upgrading from an older release"],
        [],
    ]
    assert pages[1].headings[0].title == "Upgrading from an older release"


def test_passages_are_cut_at_headings_and_carry_the_section_in_force() -> None:
    parts = build_parts(extract_pages(outlined_pdf(), "pdf", LIMITS), paged=True)

    # The chapter title alone is a stub: its section's path names it anyway.
    assert [h[1] for h in parts[0].headings] == [f"Installing{SEP}Requirements"]
    assert parts[0].headings[0][0] == 0
    assert parts[1].section == f"Installing{SEP}Requirements"  # in force at the page's top
    assert parts[2].section == f"Installing{SEP}Upgrading from an older release"

    passages = chunk_parts("doc", parts)
    second_page = [p for p in passages if p.page == 2]
    assert [p.section for p in second_page] == [
        f"Installing{SEP}Requirements",
        f"Installing{SEP}Upgrading from an older release",
    ]
    assert second_page[0].text.split()[-1] == "more29"  # no passage crosses the heading
    assert second_page[1].text.startswith("1.2 Upgrading")  # the printed number is its own
    assert all(p.section for p in passages)


def test_sections_survive_the_passages_file() -> None:
    parts = build_parts(extract_pages(outlined_pdf(), "pdf", LIMITS), paged=True)
    passages = chunk_parts("doc", parts)

    stored = read_passages_file("doc", passages_file_bytes(parts, passages))

    assert [p.section for p in stored.passages] == [p.section for p in passages]
    assert [p.headings for p in stored.parts] == [p.headings for p in parts]


@pytest.mark.parametrize(
    "headings",
    [
        [[5, "b"], [2, "a"]],  # not ascending
        [[10_000, "a"]],  # outside the text
        [["5", "a"]],
        [[5]],
        "a",
    ],
)
def test_a_malformed_headings_field_reads_as_none(headings: object) -> None:
    parts = build_parts([Page(number=1, text=words("w", 30))], paged=True)
    passages = chunk_parts("doc", parts)
    body = passages_file_bytes(parts, passages).replace(
        b'"navigation":false', b'"navigation":false,"headings":' + repr(headings).encode()
    )
    body = body.replace(b"'", b'"')

    stored = read_passages_file("doc", body)

    assert stored.parts[0].headings == ()
    assert stored.passages[0].section is None


def test_a_file_without_headings_reads_as_before() -> None:
    parts = build_parts([Page(number=1, text=words("w", 30))], paged=True)
    passages = chunk_parts("doc", parts)

    stored = read_passages_file("doc", passages_file_bytes(parts, passages))

    assert b"headings" not in passages_file_bytes(parts, passages)
    assert stored.passages[0].section is None


def test_a_heading_not_in_the_text_has_no_place_but_is_in_force_on_the_next_page() -> None:
    pages = [
        Page(number=1, text=words("a", 40), headings=(Heading("Drawn as a picture", "Logo"),)),
        Page(number=2, text=words("b", 40)),
    ]

    parts = build_parts(pages, paged=True)

    assert parts[0].headings == ()
    assert parts[0].section is None
    assert parts[1].section == "Logo"


def test_headings_are_found_in_order_case_folded_across_line_breaks() -> None:
    text = "\n".join(
        [words("intro", 25), "2.3 How Do I", "Reset it?", words("x", 25), "Limits", words("y", 25)]
    )
    found = locate_headings(
        text, [Heading("how do i reset it?", "Reset"), Heading("Limits", "Limits")]
    )

    assert found == (
        (text.index("2.3 How"), "Reset"),
        (text.index("Limits"), "Limits"),
    )


def test_a_heading_is_not_found_before_the_one_above_it() -> None:
    text = "\n".join(
        ["Options", words("a", 25), "Usage", words("b", 25), "Options", words("c", 25)]
    )

    found = locate_headings(text, [Heading("Usage", "Usage"), Heading("Options", "Usage > Opt")])

    # The earlier "Options" precedes "Usage": the heading is the one after it.
    assert found[1] == (text.rindex("Options"), "Usage > Opt")
    assert found[0] == (text.index("Usage"), "Usage")


def test_stubs_go_to_the_text_around_them() -> None:
    text = "\n".join(
        ["run on from the page before.", "Chapter 3", "3.1 Setup", words("s", 30), "3.2 Next"]
    )
    found = locate_headings(
        text,
        [Heading("Chapter 3", "C3"), Heading("Setup", "C3 > Setup"), Heading("Next", "C3 > Next")],
    )

    # The first few words start under the first kept heading; a chapter title right above
    # its first section, and a heading at the page's foot, have no place of their own.
    assert found == ((0, "C3 > Setup"),)


def test_the_outline_is_read_with_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_outline, "MAX_ENTRIES", 2)
    document = pdfium.PdfDocument(outlined_pdf())
    try:
        by_page = pdf_outline.outline_by_page(document)
    finally:
        document.close()

    assert sum(len(headings) for headings in by_page.values()) == 2


def test_headings_placed_per_page_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headings_module, "MAX_HEADINGS_PER_PAGE", 2)
    text = "\n".join(f"Topic{n}\n{words('w', 25)}" for n in range(4))

    found = locate_headings(text, [Heading(f"Topic{n}", f"T{n}") for n in range(4)])

    assert [path for _, path in found] == ["T0", "T1"]


def test_each_heading_is_tried_at_a_bounded_number_of_places(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(headings_module, "MAX_TRIES", 3)
    # A hostile page: the title's first word everywhere before the title itself.
    text = "the " * 30 + "\nthe end\n" + words("w", 25)

    assert locate_headings(text, [Heading("The end", "End")]) == ()
    monkeypatch.setattr(headings_module, "MAX_TRIES", 31)
    assert locate_headings(text, [Heading("The end", "End")]) == ((text.index("the end"), "End"),)


class _Destination:
    def __init__(self, index: int | None) -> None:
        self.index = index

    def get_index(self) -> int | None:
        return self.index


class _Bookmark:
    def __init__(self, level: int, title: str, page: int | None) -> None:
        self.level = level
        self.title = title
        self.page = page

    def get_title(self) -> str:
        return self.title

    def get_dest(self) -> _Destination | None:
        return None if self.page is None else _Destination(self.page)


class _Document:
    """What `outline_by_page` uses of a pypdfium2 document, with an outline as files make
    them: untitled entries, entries without a page or pointing past the last one."""

    def __init__(self, bookmarks: list[_Bookmark], pages: int) -> None:
        self.bookmarks = bookmarks
        self.pages = pages

    def __len__(self) -> int:
        return self.pages

    def get_toc(self, max_depth: int) -> list[_Bookmark]:
        return [b for b in self.bookmarks if b.level < max_depth]


def test_untitled_and_pageless_entries_are_left_out_and_their_children_keep_a_path() -> None:
    document = _Document(
        [
            _Bookmark(0, "Guide", 0),
            _Bookmark(1, "   ", 0),  # untitled: its child's path skips it
            _Bookmark(2, "Deep", 1),
            _Bookmark(1, "Links", None),  # a link, no page: not placed, still a parent
            _Bookmark(2, "Under links", 1),
            _Bookmark(1, "Beyond", 9),  # past the last page
            _Bookmark(0, "x" * 500, 1),  # cut to MAX_TITLE_CHARS
        ],
        pages=2,
    )

    by_page = pdf_outline.outline_by_page(document)

    assert [h.path for h in by_page[0]] == ["Guide"]
    assert [h.path for h in by_page[1]] == [
        f"Guide{SEP}Deep",
        f"Guide{SEP}Links{SEP}Under links",
        "x" * pdf_outline.MAX_TITLE_CHARS,
    ]


def test_an_unreadable_outline_costs_only_the_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(document: object) -> object:
        raise pdfium.PdfiumError("outline")

    monkeypatch.setattr(pdf_text, "outline_by_page", broken)

    pages = extract_pages(outlined_pdf(), "pdf", LIMITS)

    assert len(pages) == 3
    assert all(page.headings == () for page in pages)
    assert pages[0].text.startswith("1 Installing")
