"""Extraction and chunking on their own: no AWS, just bytes in and pages/chunks out."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from handlers.core.derived.passage import Part, Passage
from handlers.core.extraction import ExtractionError, ExtractionLimits, extract_pages
from handlers.core.extraction.sniff import sniff
from handlers.core.ingest.chunking import chunk_parts
from tests.handlers import samples

LIMITS = ExtractionLimits(max_bytes=10 * 1024 * 1024, max_pages=50)


def failure(data: bytes, kind: str, limits: ExtractionLimits = LIMITS) -> ExtractionError:
    with pytest.raises(ExtractionError) as raised:
        extract_pages(data, kind, limits)
    return raised.value


def _zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\n\n  %PDF-1.4 after junk", "pdf"),
        (samples.EXECUTABLE, "executable"),
        (b"\x7fELF\x02\x01", "executable"),
        (samples.PNG, "image"),
        (b"\xff\xd8\xff\xe0 jpeg", "image"),
        (b"PK\x03\x04 broken zip", "zip"),
        ("plain text, ünïcödé".encode(), "text"),
        ("utf-16 text".encode("utf-16"), "text"),
        (b"text\x00with nul", "binary"),
    ],
)
def test_sniff_reads_the_real_type(data, expected):
    assert sniff(data) == expected


def test_pdf_page_limit_is_enforced_before_reading_pages():
    error = failure(samples.text_pdf(pages=3, words_per_page=5), "pdf", _limits(max_pages=2))

    assert error.code == "too_many_pages"
    assert "3 pages" in error.reason


def test_docx_page_limit_is_enforced():
    data = samples.docx_bytes([["one"], ["two"], ["three"]])

    assert failure(data, "docx", _limits(max_pages=2)).code == "too_many_pages"


def test_docx_with_too_many_zip_entries_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for index in range(30):
            archive.writestr(f"word/media/{index}.bin", b"")

    error = failure(buffer.getvalue(), "docx", _limits(max_zip_entries=20))

    assert error.code == "zip_bomb"


def test_docx_declaring_a_huge_uncompressed_size_is_refused_without_inflating():
    # A forged size in the zip directory is enough: nothing is decompressed to find out.
    data = samples.docx_bytes([["small"]])

    error = failure(data, "docx", _limits(max_uncompressed_bytes=1000))

    assert error.code == "zip_bomb"


def test_docx_uses_word_rendered_page_breaks_when_present():
    # Given a document Word laid out: rendered breaks mark the real page starts
    document = docx.Document()
    for text in ("alpha", "beta", "gamma"):
        document.add_paragraph(text)
    for paragraph in document.paragraphs[1:]:
        run = paragraph.runs[0]._r
        run.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    # and a hard break too, which Word also recorded as rendered: not counted twice
    hard = OxmlElement("w:br")
    hard.set(qn("w:type"), "page")
    document.paragraphs[1].runs[0]._r.insert(0, hard)
    buffer = io.BytesIO()
    document.save(buffer)

    pages = extract_pages(buffer.getvalue(), "docx", LIMITS)

    assert [(page.number, page.text) for page in pages] == [(1, "alpha"), (2, "beta"), (3, "gamma")]


def test_docx_tabs_separate_words_and_soft_breaks_stay_on_the_page():
    document = docx.Document()
    paragraph = document.add_paragraph("Name")
    paragraph.add_run().add_tab()
    paragraph.add_run("Total")
    paragraph.add_run().add_break()  # a soft line break, not a page break
    paragraph.add_run("due")
    document.add_paragraph("next")
    buffer = io.BytesIO()
    document.save(buffer)

    pages = extract_pages(buffer.getvalue(), "docx", LIMITS)

    # (whitespace inside a line is normalised to one space)
    assert [(page.number, page.text) for page in pages] == [(1, "Name Total\ndue\nnext")]


@pytest.mark.parametrize(
    "data",
    [
        samples.docx_bytes([["whole"]])[:200],  # cut short: no zip directory
        _zip_of({"notes.txt": "a zip, but not a Word document"}),
    ],
    ids=["truncated", "not-word"],
)
def test_a_zip_that_is_not_a_readable_docx_is_refused_by_type(data: bytes) -> None:
    error = failure(data, "docx")

    assert error.code == "type_mismatch"
    assert error.reason.startswith("The file is not a Word document: its content looks like a ZIP")


def test_a_docx_with_broken_xml_is_refused_as_corrupt() -> None:
    data = _zip_of({"[Content_Types].xml": "<not-xml", "word/document.xml": "<w:document/>"})

    error = failure(data, "docx")

    assert (error.code, error.reason) == (
        "corrupt",
        "The Word document could not be read: it is damaged.",
    )


def test_text_falls_back_to_windows_1252_and_reads_utf16():
    latin = extract_pages("café déjà vu".encode("cp1252"), "txt", LIMITS)
    utf16 = extract_pages("Grüße aus Köln".encode("utf-16"), "md", LIMITS)

    assert latin[0].text == "café déjà vu"
    assert utf16[0].text == "Grüße aus Köln"


def test_form_feeds_split_text_into_pages():
    pages = extract_pages(b"first\fsecond\f\fthird", "txt", LIMITS)

    assert [(page.number, page.text) for page in pages] == [
        (1, "first"),
        (2, "second"),
        (3, ""),
        (4, "third"),
    ]


def test_html_in_windows_1252_and_block_structure():
    html = "<p>Prix: 5 €</p><div>naïve <em>café</em></div>".encode("cp1252")

    pages = extract_pages(html, "html", LIMITS)

    assert pages[0].text == "Prix: 5 €\nnaïve café"


def test_oversized_data_is_refused_before_parsing():
    assert failure(b"x" * 101, "txt", _limits(max_bytes=100)).code == "too_large"


def test_unknown_kind_is_unsupported():
    assert failure(b"hello", "exe").code == "unsupported_type"


# --- chunking ------------------------------------------------------------------------------


def chunk(parts: list[Part], **sizes: int) -> list[Passage]:
    return chunk_parts("doc", parts, **sizes)


def test_passages_overlap_inside_a_part_and_cover_every_word():
    words = [f"w{i}" for i in range(2000)]
    parts = [Part(1, " ".join(words), page=1)]

    passages = chunk(parts, size=800, overlap=200)

    assert [passage.words for passage in passages] == [800, 800, 800]
    assert passages[0].text.split()[600:] == passages[1].text.split()[:200]
    covered = {word for passage in passages for word in passage.text.split()}
    assert covered == set(words)
    assert passages[-1].text.split()[-1] == "w1999"


def test_a_passage_never_crosses_a_page():
    # The old chunker put these 400 words in one chunk citing page 3 (most of its words)
    parts = [
        Part(1, " ".join(["a"] * 100), page=1),
        Part(2, "", page=2),  # a blank page has no passage but keeps its number
        Part(3, " ".join(["b"] * 300), page=3),
    ]

    passages = chunk(parts, size=800, overlap=200)

    assert [(p.page, p.part, set(p.text.split())) for p in passages] == [
        (1, 1, {"a"}),
        (3, 3, {"b"}),
    ]


def test_a_short_tail_joins_the_passage_before_it():
    parts = [Part(1, " ".join(f"w{i}" for i in range(210)), page=1)]

    (passage,) = chunk(parts, size=200, overlap=40)

    assert passage.words == 210


def test_passage_offsets_point_into_their_part():
    text = "  Title\n\nFirst line\nsecond line  " + " word" * 500
    parts = [Part(1, "intro", page=1), Part(2, text, page=2, section="A > B")]

    passages = chunk(parts)

    for passage in passages:
        assert passage.part is not None
        part = parts[passage.part - 1]
        assert part.text[passage.start : passage.end] == passage.text
        assert passage.section == part.section
    assert passages[1].text.startswith("Title\n\nFirst line\nsecond line")
    assert [p.chunk_index for p in passages] == list(range(len(passages)))


def test_no_words_no_passages():
    assert chunk([]) == []
    assert chunk([Part(1, "")]) == []


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (10, 10), (10, -1)])
def test_passage_sizes_are_checked(size, overlap):
    with pytest.raises(ValueError, match="size"):
        chunk([Part(1, "a b c")], size=size, overlap=overlap)


def _limits(**overrides: int) -> ExtractionLimits:
    values = {
        "max_bytes": LIMITS.max_bytes,
        "max_pages": LIMITS.max_pages,
        "max_uncompressed_bytes": LIMITS.max_uncompressed_bytes,
        "max_zip_entries": LIMITS.max_zip_entries,
    }
    values.update(overrides)
    return ExtractionLimits(**values)
