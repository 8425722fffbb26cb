"""Inflate every part of a zip archive with a running byte cap, trusting none of its sizes.

A zip's central directory states each part's uncompressed size, and a hostile archive can
state anything: a part declared as 1,000 bytes may inflate to a gigabyte. So each part's
compressed bytes (located through its local header, exactly where `zipfile` reads them)
are inflated in bounded steps with the output counted and discarded: the archive is
refused as soon as the running total passes the cap, long before it is inflated whole,
and a part whose real size differs from the one declared is refused as damaged. After
this check every size `zipfile` (and so python-docx) relies on is known to be true.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from handlers.core.extraction.errors import ExtractionError

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ENCRYPTED_FLAG = 0x1
_INPUT_STEP = 64 * 1024
_OUTPUT_STEP = 1024 * 1024

DAMAGED_REASON = "The Word document could not be read: it is damaged."


def _damaged() -> ExtractionError:
    return ExtractionError("corrupt", DAMAGED_REASON)


def _too_big(cap: int) -> ExtractionError:
    return ExtractionError(
        "zip_bomb",
        f"The Word document expands to more than {cap // (1024 * 1024)} MB; it cannot be"
        " processed.",
    )


def check_inflated_size(data: bytes, *, max_total_bytes: int, max_entries: int) -> int:
    """The archive's real inflated size; raises ExtractionError when it is over the cap,
    has too many parts, is encrypted, damaged, or lies about a part's size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _damaged() from exc
    if len(entries) > max_entries:
        raise ExtractionError("zip_bomb", "The Word document has too many internal parts.")
    view = memoryview(data)
    total = 0
    for entry in entries:
        if entry.flag_bits & _ENCRYPTED_FLAG:
            raise ExtractionError(
                "encrypted",
                "The Word document is password-protected. Remove the password and upload it again.",
            )
        compressed = _compressed_bytes(view, entry)
        produced = _inflated_size(compressed, entry.compress_type, max_total_bytes - total)
        if produced is None:
            raise _too_big(max_total_bytes)
        if produced != entry.file_size:
            raise _damaged()
        total += produced
    return total


def _compressed_bytes(data: memoryview, entry: zipfile.ZipInfo) -> memoryview:
    start = entry.header_offset
    header = bytes(data[start : start + _LOCAL_HEADER.size])
    if len(header) < _LOCAL_HEADER.size:
        raise _damaged()
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        raise _damaged()
    name_length, extra_length = fields[9], fields[10]
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    end = begin + entry.compress_size
    if end > len(data):
        raise _damaged()
    return data[begin:end]


def _inflated_size(compressed: memoryview, method: int, cap: int) -> int | None:
    """Bytes the part inflates to, or None as soon as that passes `cap`."""
    if method == zipfile.ZIP_STORED:
        return len(compressed) if len(compressed) <= cap else None
    if method != zipfile.ZIP_DEFLATED:
        # Word writes only stored and deflated parts; anything else is not a real DOCX.
        raise _damaged()
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    position = 0
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                chunk = inflater.unconsumed_tail
            elif position < len(compressed):
                chunk = bytes(compressed[position : position + _INPUT_STEP])
                position += len(chunk)
            else:
                chunk = b""
            output = inflater.decompress(chunk, _OUTPUT_STEP)
            produced += len(output)
            if produced > cap:
                return None
            if not chunk and not output:
                break  # the input ended before the stream did
    except zlib.error as exc:
        raise _damaged() from exc
    return produced
