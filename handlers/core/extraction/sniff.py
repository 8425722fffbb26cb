"""The real type of a file from its first bytes, whatever its name and declared type say."""

from __future__ import annotations

import io
import zipfile
from typing import Literal

from handlers.core.extraction.errors import ExtractionError

Sniffed = Literal["pdf", "docx", "zip", "executable", "image", "binary", "text"]

_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"#!",
)
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_PDF_MAGIC = b"%PDF-"
# An OLE compound file: what Word writes for a password-protected document (and old .doc).
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# PDF readers accept the header anywhere in the first kilobyte.
_PDF_HEADER_WINDOW = 1024
_TEXT_PROBE = 8192


def sniff(data: bytes) -> Sniffed:
    if _PDF_MAGIC in data[:_PDF_HEADER_WINDOW]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _zip_has(data, "word/document.xml") else "zip"
    if data.startswith(_EXECUTABLE_MAGIC):
        return "executable"
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    probe = data[:_TEXT_PROBE]
    if probe.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 with a BOM
    if b"\x00" in probe:
        return "binary"
    return "text"


def _zip_has(data: bytes, name: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return name in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


_DESCRIPTIONS: dict[str, str] = {
    "pdf": "a PDF",
    "docx": "a Word document",
    "zip": "a ZIP archive",
    "executable": "a program",
    "image": "an image",
    "binary": "a binary file",
    "text": "text",
}
_EXPECTED: dict[str, Sniffed] = {
    "pdf": "pdf",
    "docx": "docx",
    "txt": "text",
    "md": "text",
    "html": "text",
}


def check_type(kind: str, data: bytes) -> None:
    """Refuse a file whose bytes are not what its declared kind (`pdf`, `docx`, ...) says."""
    if not data:
        raise ExtractionError("empty", "The file is empty.")
    expected = _EXPECTED.get(kind)
    if expected is None:
        raise ExtractionError("unsupported_type", "This file type is not supported.")
    if expected == "docx" and data.startswith(_OLE_MAGIC):
        raise ExtractionError(
            "encrypted",
            "This is a password-protected Word document or an old-format .doc file. Remove"
            " the password or save it as .docx, and upload it again.",
        )
    actual = sniff(data)
    if actual != expected:
        raise ExtractionError(
            "type_mismatch",
            f"The file is not {_DESCRIPTIONS[expected]}: its content looks like"
            f" {_DESCRIPTIONS[actual]}. Upload the original file.",
        )
