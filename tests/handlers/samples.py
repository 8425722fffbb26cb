"""Documents the ingest tests generate: good ones of every type and a bad-input corpus."""

from __future__ import annotations

import io
import zipfile

import docx
from fpdf import FPDF

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
MARKDOWN = "text/markdown"
TEXT = "text/plain"


def page_words(page: int, count: int) -> list[str]:
    """Words that say which page they are on: `p3w0017`."""
    return [f"p{page}w{index:04d}" for index in range(count)]


def text_pdf(pages: int, words_per_page: int = 300) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=9)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.multi_cell(w=0, text=" ".join(page_words(page, words_per_page)))
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(text="confidential")
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """Drawn shapes and no text layer, like a scan."""
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.set_fill_color(40, 40, 40)
        pdf.rect(20, 20, 170, 250, style="F")
    return bytes(pdf.output())


def docx_bytes(pages: list[list[str]]) -> bytes:
    """Paragraphs per page, a hard page break between pages, and a table on the last."""
    document = docx.Document()
    for number, paragraphs in enumerate(pages):
        if number:
            document.add_page_break()  # type: ignore[no-untyped-call]
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "tablecellleft"
    table.cell(0, 1).text = "tablecellright"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_zip_bomb(uncompressed_mb: int = 300) -> bytes:
    """A small DOCX-shaped zip whose document.xml inflates to hundreds of megabytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\x20" * (1024 * 1024)
            for _ in range(uncompressed_mb):
                part.write(block)
    return buffer.getvalue()


def html_bytes() -> bytes:
    return (
        b"<!doctype html><html><head><title>Guide</title>"
        b"<style>body { color: red }</style><script>var secret = 'scriptcontent';</script>"
        b"</head><body><h1>Travel guide</h1><p>The <b>museum</b> opens at nine.</p>"
        b"<ul><li>Bring water</li><li>Wear shoes</li></ul></body></html>"
    )


MARKDOWN_TEXT = "# Release notes\n\n- Added **search**\n- Fixed `upload` bug\n\n## Next\n\nMore."
NON_LATIN_TEXT = (
    "Привет, мир! Это проверка.\n"
    "日本語のテキストも読めます。\n"
    "مرحبا بالعالم\n"
    "Ελληνικά κείμενα και emoji 📄\n"
)
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
