"""Hostile uploads, generated: inflate bombs, lying zips, floods, deep nesting, broken and
disguised files. `scale` multiplies the bomb sizes: 1 for `make test` (each file well past
what used to exhaust the worker, generated in seconds), larger for `make test-hostile`.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fpdf import FPDF

from tests.handlers import samples
from tests.handlers.samples import DOCX, HTML, PDF, TEXT

MIB = 1024 * 1024
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class HostileFile:
    name: str
    content_type: str
    data: bytes
    what: str
    """What the file does to a naive worker."""


def _deflated_stream(block: bytes, total_bytes: int) -> bytes:
    """`block` repeated up to `total_bytes`, deflated (zlib-wrapped) a block at a time."""
    compressor = zlib.compressobj(9)
    out = [compressor.compress(block) for _ in range(total_bytes // len(block))]
    out.append(compressor.flush())
    return b"".join(out)


def pdf_with_stream(content: bytes, *, filter_name: str = "/FlateDecode", pages: int = 1) -> bytes:
    """A minimal, well-formed PDF: `pages` pages sharing one content stream `content`."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{5 + i} 0 R".encode() for i in range(pages))
        + f"] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} /Filter {filter_name} >>\nstream\n".encode()
        + content
        + b"\nendstream",
    ]
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            b" /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
        )
    body = io.BytesIO()
    body.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(body.tell())
        body.write(f"{number} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = body.tell()
    body.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        body.write(f"{offset:010d} 00000 n \n".encode())
    body.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return body.getvalue()


def pdf_inflate_bomb(inflated_mb: int) -> bytes:
    """One page whose content stream inflates to `inflated_mb` of text-drawing operators."""
    block = b"BT /F1 12 Tf 72 720 Td (Lorem ipsum dolor sit amet) Tj ET\n" * 16384
    return pdf_with_stream(_deflated_stream(block, inflated_mb * MIB))


def pdf_many_pages(pages: int) -> bytes:
    """A small file declaring far more pages than the limit (they share one stream)."""
    content = zlib.compress(b"BT /F1 12 Tf 72 720 Td (page) Tj ET\n")
    return pdf_with_stream(content, pages=pages)


def _replace_docx_part(part: str, writer: Callable[[zipfile.ZipFile], None]) -> bytes:
    """A real DOCX (python-docx's template) with `part` written by `writer` instead."""
    source = zipfile.ZipFile(io.BytesIO(samples.docx_bytes([["cover page"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename == part:
                writer(archive)
            else:
                archive.writestr(info, source.read(info.filename))
    return buffer.getvalue()


def _document_xml_chunks(inflated_bytes: int) -> Iterator[bytes]:
    yield f'<?xml version="1.0"?><w:document xmlns:w="{_W_NS}"><w:body>'.encode()
    paragraph = b"<w:p><w:r><w:t>word word word word word</w:t></w:r></w:p>"
    block = paragraph * (MIB // len(paragraph))
    for _ in range(inflated_bytes // len(block)):
        yield block
    yield b"</w:body></w:document>"


def docx_xml_bomb(inflated_mb: int) -> bytes:
    """document.xml is `inflated_mb` of valid paragraphs: an honest directory, a huge tree."""

    def write(archive: zipfile.ZipFile) -> None:
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for chunk in _document_xml_chunks(inflated_mb * MIB):
                part.write(chunk)

    return _replace_docx_part("word/document.xml", write)


def docx_lying_directory(inflated_mb: int, declared_bytes: int = 1000) -> bytes:
    """document.xml declares `declared_bytes` (local header and central directory) but its
    deflate stream holds `inflated_mb`."""

    def write(archive: zipfile.ZipFile) -> None:
        with archive.open("word/document.xml", "w", force_zip64=False) as part:
            for chunk in _document_xml_chunks(inflated_mb * MIB):
                part.write(chunk)

    data = bytearray(_replace_docx_part("word/document.xml", write))
    name = b"word/document.xml"
    real = _lie_about_size(data, name, declared_bytes)
    assert real > declared_bytes
    return bytes(data)


def _lie_about_size(data: bytearray, name: str | bytes, declared: int) -> int:
    """Overwrite the uncompressed size of `name` in its local header and directory entry."""
    name = name if isinstance(name, bytes) else name.encode()
    real = 0
    # Central directory entries: signature, then the uncompressed size at offset 24.
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == name:
            real = struct.unpack_from("<L", data, position + 24)[0]
            struct.pack_into("<L", data, position + 24, declared)
            local = struct.unpack_from("<L", data, position + 42)[0]
            struct.pack_into("<L", data, local + 22, declared)
        position = data.find(b"PK\x01\x02", position + 4)
    return real


def form_feed_flood(megabytes: int) -> bytes:
    return b"\f" * (megabytes * MIB)


def deep_html(depth: int) -> bytes:
    return b"<!doctype html><html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth


def truncated_pdf() -> bytes:
    data = samples.text_pdf(3)
    return data[: len(data) // 2]


def garbage_after_pdf_header() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 64


def broken_zip_as_docx() -> bytes:
    """Starts like a zip, then garbage: no directory at all."""
    return b"PK\x03\x04" + b"\x00" * 26 + b"\xff" * 4096


def encrypted_docx() -> bytes:
    """What Word writes for a password-protected file: an OLE compound file, not a zip."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096


def pdf_outline_flood(entries: int) -> bytes:
    """Pages of one repeated word, and `entries` bookmarks to the last whose titles all
    start with that word and are nowhere in the text: every placement search is a worst
    case."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=6)
    pdf.add_page()
    pdf.multi_cell(0, 3, "the " * 20_000)
    for number in range(entries):
        pdf.start_section(f"the the the missing {number}", level=min(number % 3, 2))
    return bytes(pdf.output())


def corpus(scale: int = 1) -> list[HostileFile]:
    """Every hostile file; the bombs sized by `scale`."""
    xml_mb = min(100 * scale, 250)
    return [
        HostileFile(
            "bomb.pdf", PDF, pdf_inflate_bomb(100 * scale), f"content stream → {100 * scale} MB"
        ),
        HostileFile("many-pages.pdf", PDF, pdf_many_pages(20_000), "20,000 pages in a small file"),
        HostileFile(
            "outline.pdf", PDF, pdf_outline_flood(20_000), "20,000 bookmarks no text matches"
        ),
        # Kept under the 256 MB inflation cap, so that the XML tree itself is what is bounded.
        HostileFile("bomb.docx", DOCX, docx_xml_bomb(xml_mb), f"document.xml → {xml_mb} MB"),
        HostileFile(
            "declared-bomb.docx",
            DOCX,
            samples.docx_zip_bomb(300 * scale),
            f"declares {300 * scale} MB",
        ),
        HostileFile(
            "lying.docx",
            DOCX,
            docx_lying_directory(300 * scale),
            f"declares 1,000 bytes, holds {300 * scale} MB",
        ),
        HostileFile("form-feeds.txt", TEXT, form_feed_flood(15), "15 MB of form feeds"),
        HostileFile("deep.html", HTML, deep_html(660_000 * scale), "660k nested <div>s"),
        HostileFile("encrypted.pdf", PDF, samples.encrypted_pdf(), "password-protected PDF"),
        HostileFile("encrypted.docx", DOCX, encrypted_docx(), "password-protected DOCX (OLE)"),
        HostileFile("truncated.pdf", PDF, truncated_pdf(), "half a PDF"),
        HostileFile("garbage.pdf", PDF, garbage_after_pdf_header(), "a header and noise"),
        HostileFile("broken.docx", DOCX, broken_zip_as_docx(), "a zip header and noise"),
        HostileFile("program.txt", TEXT, samples.EXECUTABLE, "a Windows program as text"),
        HostileFile("image.pdf", PDF, samples.PNG, "a PNG as PDF"),
        HostileFile("pdf.docx", DOCX, samples.text_pdf(1), "a PDF as DOCX"),
        HostileFile("docx.pdf", PDF, samples.docx_bytes([["x"]]), "a DOCX as PDF"),
        HostileFile("scan.pdf", PDF, samples.image_only_pdf(), "no text layer"),
    ]
