"""Clean text and document structure: what extraction and `build_parts` make of real-world
PDF artefacts (layout hyphens, ligatures, running heads, page numbers, tables of contents)
and of headings in formats without pages."""

from __future__ import annotations

import io

import docx
import pytest
from fpdf import FPDF

from handlers.core.derived.navigation import is_navigation
from handlers.core.derived.page_furniture import strip_page_furniture
from handlers.core.derived.parts import build_parts
from handlers.core.derived.passages_file import passages_file_bytes, read_passages_file
from handlers.core.extraction import ExtractionLimits, extract_pages
from handlers.core.extraction.pages import Page, clean_text
from handlers.core.ingest.chunking import chunk_parts

LIMITS = ExtractionLimits(max_bytes=10 * 1024 * 1024, max_pages=50)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("man\u00adagement", "management"),  # soft hyphen
        ("man\ufffe\r\nagement", "management"),  # PDFium's mark for a layout hyphen
        ("man\x02\nagement", "management"),
        ("the \ufb01le system", "the file system"),  # NFKC: ligature
        ("\uff32\uff4f\uff55\uff54\uff45\uff52", "Router"),  # NFKC: full width
        ("no\ufdd0n\uffffchar\U0001fffeacters", "noncharacters"),
        ("keep the manage-\nment rejoined", "keep the management rejoined"),
        ("but Well-\nKnown names keep their hyphen", "but Well-\nKnown names keep their hyphen"),
        ("tabs\tand\u00a0spaces  collapse", "tabs and spaces collapse"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


class ManualPdf(FPDF):
    """A manual as printers make them: a running head and a page-number footer."""

    def header(self) -> None:
        self.set_font("helvetica", size=8)
        self.cell(0, 5, f"ACME Router Manual - Chapter {1 + self.page_no() // 3}")
        self.ln(8)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 5, f"Page {self.page_no()} of 5")


def line(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")


def manual_pdf() -> bytes:
    pdf = ManualPdf()
    pdf.set_font("helvetica", size=10)
    pdf.add_page()
    line(pdf, "Contents")
    for title, page in [("Safety", 2), ("Installation", 3), ("Resetting", 4), ("Index", 5)]:
        line(pdf, f"{title} {'.' * 40} {page}")
    for number in range(2, 5):
        pdf.add_page()
        line(pdf, f"Body text of page {number}. Hold the reset button on page{number}.")
    pdf.add_page()
    line(pdf, "Index")
    for entry in ["button, 4", "installation, 3", "reset, 2, 4", "router, 2-4", "safety, 2"]:
        line(pdf, entry)
    return bytes(pdf.output())


def test_running_heads_footers_and_page_numbers_are_stripped() -> None:
    parts = build_parts(extract_pages(manual_pdf(), "pdf", LIMITS), paged=True)

    assert [part.page for part in parts] == [1, 2, 3, 4, 5]
    for part in parts:
        assert "ACME Router Manual" not in part.text
        assert "of 5" not in part.text
    assert parts[2].text == "Body text of page 3. Hold the reset button on page3."


def test_table_of_contents_and_index_pages_are_flagged() -> None:
    parts = build_parts(extract_pages(manual_pdf(), "pdf", LIMITS), paged=True)

    assert [part.navigation for part in parts] == [True, False, False, False, True]


def test_a_page_of_numbers_that_are_not_pages_is_body_text() -> None:
    table = "\n".join(f"Revenue in region {n}, 48{n}31" for n in range(8))
    assert not is_navigation(table, page_count=40)
    assert is_navigation("\n".join(f"Topic {n} ..... {n + 3}" for n in range(8)), page_count=40)


# A chapter's first page (Doxygen's FAQ): the chapter's questions with dot leaders, then the
# first answer, which must stay searchable body text.
CHAPTER_PAGE = "\n".join(
    ["Chapter 18", "Frequently Asked Questions"]
    + [
        f"18.{n} How do I configure feature {n}? . . . . . . . . . . {87 + n // 4}"
        for n in range(9)
    ]
    + [
        "18.1 How do I configure feature 0?",
        "You should use the mainpage command inside a comment block, then run the",
        "generator again so that the front page shows your own introduction text.",
    ]
)


def test_a_contents_list_inside_a_page_is_navigation_and_the_answer_below_is_not() -> None:
    page = Page(number=105, text=CHAPTER_PAGE)
    filler = [Page(number=n, text=f"Body of page {n}.") for n in range(1, 105)]

    parts = build_parts([*filler, page], paged=True)
    passages = chunk_parts("doc", parts, size=40, overlap=8)
    stored = read_passages_file("doc", passages_file_bytes(parts, passages))
    part, on_page = parts[-1], [p for p in passages if p.part == 105]

    assert not part.navigation
    assert part.contents is not None
    assert part.text[: part.contents[1]].endswith("89")
    assert [p.navigation for p in on_page] == [True] * (len(on_page) - 1) + [False]
    assert on_page[-1].text.startswith("18.1 How do I configure feature 0?")
    assert [p.navigation for p in stored.passages] == [p.navigation for p in passages]


def test_body_text_above_a_contents_list_stays_body_text() -> None:
    opening = "This chapter explains how the generator reads its configuration file."
    entries = [f"4.{n} Option group {n} . . . . . . . . {20 + n}" for n in range(6)]
    closing = "Each group below lists its options with their defaults and an example."
    text = "\n".join([opening, *entries, closing])

    part = build_parts([Page(number=1, text=text)], paged=True)[0]

    assert part.contents == (len(opening) + 1, len(text) - len(closing) - 1)


def test_numbered_lines_without_dot_leaders_inside_a_page_stay_body_text() -> None:
    lines = [f"sgn{n}(x) any 1 if x > 0, -1 if x < 0, {n}" for n in range(8)]
    text = "Functions of one argument are listed here with their types.\n" + "\n".join(lines)
    body = " ".join(["Gnuplot evaluates expressions like these in double precision."] * 3)

    part = build_parts([Page(number=1, text=f"{text}\n{body}")], paged=True)[0]

    assert not part.navigation
    assert part.contents is None


def test_furniture_needs_repetition_and_an_edge() -> None:
    words = ["alpha", "beta", "gamma", "delta"]
    pages = [
        f"Chapter {n} Setup\nOpening {word}.\nThe same sentence.\nClosing {word}.\n{n}"
        for n, word in enumerate(words, start=1)
    ]

    stripped = strip_page_furniture(pages)

    # "Chapter n Setup" heads every page and bare numbers end them: gone. The repeated
    # sentence is not at an edge, and the pages' own first and last lines differ: kept.
    assert stripped[0] == "Opening alpha.\nThe same sentence.\nClosing alpha."
    # With two pages nothing repeats enough to be called furniture
    assert strip_page_furniture(pages[:2]) == pages[:2]


def test_pdf_page_labels_are_read() -> None:
    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    pdf.add_page()
    pdf.set_page_label(label_style="r")  # roman front matter
    line(pdf, "Preface")
    pdf.add_page()
    pdf.set_page_label(label_style="D", label_start=1)  # the body restarts at 1
    line(pdf, "Chapter one")

    pages = extract_pages(bytes(pdf.output()), "pdf", LIMITS)

    assert [(page.number, page.label) for page in pages] == [(1, "i"), (2, "1")]


def test_html_sections_are_parts_named_by_their_heading_path() -> None:
    html = (
        b"<html><body><p>Welcome.</p><h1>Guide</h1><p>Read <b>this</b>.</p>"
        b"<h2>Install</h2><p>Run make.</p><h2>Use</h2><p>Ask.</p><h1>FAQ</h1><p>None.</p>"
        b"</body></html>"
    )

    parts = build_parts(extract_pages(html, "html", LIMITS), paged=False)

    assert [(p.number, p.page, p.section, p.text) for p in parts] == [
        (1, None, None, "Welcome."),
        (2, None, "Guide", "Guide\nRead this."),
        (3, None, "Guide \u203a Install", "Install\nRun make."),
        (4, None, "Guide \u203a Use", "Use\nAsk."),
        (5, None, "FAQ", "FAQ\nNone."),
    ]


def test_permalink_marks_are_not_part_of_headings() -> None:
    html = (
        '<h1>Fields<a class="headerlink" href="#f">\u00b6</a></h1><p>Intro.</p>'
        "<h2>Installed-Size \u00b6</h2><p>In kibibytes.</p>"
    ).encode()

    parts = build_parts(extract_pages(html, "html", LIMITS), paged=False)

    assert [(p.section, p.text) for p in parts] == [
        ("Fields", "Fields\nIntro."),
        ("Fields \u203a Installed-Size", "Installed-Size \u00b6\nIn kibibytes."),
    ]


def test_a_passage_is_indexed_under_its_heading_path_and_quotes_its_text() -> None:
    from handlers.core.ingest.chunking import chunk_parts

    body = " ".join(["filler"] * 700) + " errors are allowed"
    parts = build_parts(
        extract_pages(f"# Approximate Matching\n{body}".encode(), "md", LIMITS), paged=False
    )

    last = chunk_parts("doc", parts)[-1]

    assert "Approximate" not in last.text
    assert last.indexed_text.startswith("Approximate Matching\n")
    assert last.indexed_text.endswith(last.text)


def test_markdown_sections_skip_headings_in_code() -> None:
    text = "# Notes\nintro\n## Setup\n```\n# not a heading\n```\nRequirements\n---\npython"

    parts = build_parts(extract_pages(text.encode(), "md", LIMITS), paged=False)

    assert [p.section for p in parts] == [
        "Notes",
        "Notes \u203a Setup",
        "Notes \u203a Requirements",
    ]
    assert "# not a heading" in parts[1].text


# A plain-text export (DocBook's, as Debian's FAQ ships it): a table of contents of
# numbered entries, then numbered headings at the margin over indented text.
EXPORTED_FAQ = """\
The Example FAQ

Table of Contents

1. Definitions
    1.1. What is this FAQ?
    1.2. What is Example and what
    does it do?
2. Installing

Chapter 1. Definitions

1.1. What is this FAQ?

    It answers questions.

1.2. What is Example and what
does it do?

    Example sorts socks.
    1. It pairs them.

Chapter 2. Installing

    Run the installer.
"""


def test_plain_text_numbered_headings_open_sections_and_contents_is_navigation() -> None:
    parts = build_parts(extract_pages(EXPORTED_FAQ.encode(), "txt", LIMITS), paged=False)

    assert [(p.section, p.navigation) for p in parts] == [
        (None, False),
        ("Table of Contents", True),
        ("Chapter 1. Definitions", False),
        ("Chapter 1. Definitions \u203a 1.1. What is this FAQ?", False),
        ("Chapter 1. Definitions \u203a 1.2. What is Example and what does it do?", False),
        ("Chapter 2. Installing", False),
    ]
    assert "Example sorts socks." in parts[4].text
    assert "1. It pairs them." in parts[4].text  # indented: not a heading


def test_plain_text_numbered_lists_are_not_headings() -> None:
    text = (
        "Setup\n\nSteps:\n\n1. Download the installer\n2. Run it\n3. Reboot\n\n"
        "1. Reboot the machine.\n\nContents\n\n1. Install\n2. Use\n\n"
        "Chapter 1. Install\n\n    Run the installer.\n"
    )

    parts = build_parts(extract_pages(text.encode(), "txt", LIMITS), paged=False)

    assert [(p.section, p.navigation) for p in parts] == [
        (None, False),
        ("Contents", True),
        ("Chapter 1. Install", False),
    ]
    assert "3. Reboot" in parts[0].text
    assert "1. Reboot the machine." in parts[0].text
    assert "2. Use" in parts[1].text


def test_markdown_numbered_lines_are_a_list_not_headings() -> None:
    text = "# Steps\n\n1. Download it.\n\n2. Run it.\n"

    parts = build_parts(extract_pages(text.encode(), "md", LIMITS), paged=False)

    assert [p.section for p in parts] == ["Steps"]


def test_word_headings_split_sections_within_pages() -> None:
    document = docx.Document()
    document.add_heading("Manual", 0)
    document.add_paragraph("About this manual.")
    document.add_heading("Install", 1)
    document.add_paragraph("Plug it in.")
    document.add_page_break()  # type: ignore[no-untyped-call]
    document.add_paragraph("Then switch it on.")
    document.add_heading("Linux", 2)
    document.add_paragraph("Use the package.")
    buffer = io.BytesIO()
    document.save(buffer)

    parts = build_parts(extract_pages(buffer.getvalue(), "docx", LIMITS), paged=True)

    assert [(p.page, p.section, p.text) for p in parts] == [
        (1, "Manual", "Manual\nAbout this manual."),
        (1, "Manual \u203a Install", "Install\nPlug it in."),
        (2, "Manual \u203a Install", "Then switch it on."),
        (2, "Manual \u203a Install \u203a Linux", "Linux\nUse the package."),
    ]


def test_an_html_contents_section_is_navigation() -> None:
    # A linked contents list has no page numbers; its heading says what it is
    html = (
        b"<h1>Fields</h1><p>Every field of a control file.</p>"
        b"<h2>Table of Contents</h2><ul><li>Files</li><li>Closes</li><li>Homepage</li></ul>"
        b"<h2>Homepage</h2><p>The URL of the project's home page.</p>"
    )

    parts = build_parts(extract_pages(html, "html", LIMITS), paged=False)

    assert [(p.section, p.navigation) for p in parts] == [
        ("Fields", False),
        ("Fields \u203a Table of Contents", True),
        ("Fields \u203a Homepage", False),
    ]
