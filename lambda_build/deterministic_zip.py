"""Zip archives whose bytes depend only on their files' paths and contents.

Lambda redeploys a function when its `source_code_hash` changes, so the same inputs must
give the same bytes: entries sorted, one fixed timestamp, permissions normalised, no
directory entries, one compression level. (Bytes can differ across zlib builds; the hash
is stable on one machine and across machines with the same zlib.)
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
COMPRESSION_LEVEL = 6
_UNIX = 3
_FILE_MODE = 0o644
_EXECUTABLE_MODE = 0o755
_CHUNK = 1 << 20


def write_deterministic_zip(entries: Iterable[tuple[str, Path]], destination: Path) -> None:
    """Write `(archive name, file)` pairs to `destination`, sorted by archive name.

    The archive is written next to its destination and renamed into place, so a reader
    never sees half an archive.
    """
    ordered = sorted(entries, key=lambda entry: entry[0])
    names = [name for name, _ in ordered]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate archive names for {destination}")
    partial = destination.with_name(destination.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION_LEVEL) as zf:
        for name, path in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.create_system = _UNIX
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = _EXECUTABLE_MODE if os.access(path, os.X_OK) else _FILE_MODE
            info.external_attr = (stat.S_IFREG | mode) << 16
            zf.writestr(info, path.read_bytes(), compresslevel=COMPRESSION_LEVEL)
    partial.replace(destination)


def lambda_source_code_hash(archive: Path) -> str:
    """The base64 SHA-256 of a file, the form Lambda's `source_code_hash` compares."""
    digest = hashlib.sha256()
    with archive.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return base64.b64encode(digest.digest()).decode("ascii")


def unzipped_bytes(archive: Path) -> int:
    """The total size of an archive's files once extracted (what Lambda's limit counts)."""
    with zipfile.ZipFile(archive) as zf:
        return sum(info.file_size for info in zf.infolist())
