"""`bm25.npz`: a document's lexical statistics, built by the ingest worker, read by retrieval.

With it a cold search reads precomputed statistics instead of tokenising every passage.
An uncompressed `numpy.savez` archive (no pickle) holding:

- `format`: int32, shape (1,) — the derived format version (`FORMAT_VERSION`); a file of
  another version (format 1's was built by the old tokenizer) is not read;
- `terms_version`: int32, shape (1,) — the tokenizer's `TERMS_VERSION`
  (`handlers.core.text.terms`). Postings of another version cannot match today's query
  terms: the reader rejects them and retrieval rebuilds them from the passage text;
- `term_ids`: int64 (terms,) — sorted hashed term ids (`lexical.term_id`);
- `offsets`: int64 (terms + 1,) — CSR offsets into the postings;
- `positions`: uint16/uint32 (postings,) — passage positions, ascending within a term;
- `frequencies`: uint16/uint32 (postings,) — the term's count in that passage;
- `lengths`: uint32 (passages,) — each passage's token count;
- `navigation`: uint8 (passages,) — 1 for a passage of a table of contents or an index,
  which retrieval ranks below body text without reading the text;
- `chunks_digest`: uint8 (16,) — blake2b of the `passages.json` bytes it was built from,
  so text read later (only for returned passages) is known to be the same text.

Unsigned arrays use the smallest width that holds their values.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from handlers.core.derived import FORMAT_VERSION
from handlers.core.derived.lexical import LexicalIndex
from handlers.core.text.terms import TERMS_VERSION

Flags = npt.NDArray[np.bool_]
DIGEST_BYTES = 16


class LexicalFileError(ValueError):
    """The file is not a `bm25.npz` this code can read."""


@dataclass(frozen=True)
class LexicalFile:
    index: LexicalIndex
    chunks_digest: bytes
    navigation: Flags


def chunks_digest(chunks_body: bytes) -> bytes:
    return hashlib.blake2b(chunks_body, digest_size=DIGEST_BYTES).digest()


def lexical_file_bytes(
    index: LexicalIndex, *, chunks_body: bytes, navigation: Flags | None = None
) -> bytes:
    """The file for postings built from the passages serialised as `chunks_body`."""
    flags = np.zeros(index.size, dtype=bool) if navigation is None else navigation
    buffer = io.BytesIO()
    np.savez(
        buffer,
        allow_pickle=False,
        format=np.asarray([FORMAT_VERSION], dtype=np.int32),
        terms_version=np.asarray([TERMS_VERSION], dtype=np.int32),
        term_ids=index.term_ids.astype(np.int64),
        offsets=index.offsets.astype(np.int64),
        positions=_compact(index.positions),
        frequencies=_compact(index.frequencies),
        lengths=index.lengths.astype(np.uint32),
        navigation=flags.astype(np.uint8),
        chunks_digest=np.frombuffer(chunks_digest(chunks_body), dtype=np.uint8),
    )
    return buffer.getvalue()


def read_lexical_file(data: bytes) -> LexicalFile:
    """Parse and check the file; raises LexicalFileError when it is not usable."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise LexicalFileError("not an npz archive") from exc
    try:
        version = arrays["format"]
        terms_version = arrays.get("terms_version", np.asarray([1], dtype=np.int32))
        index = LexicalIndex(
            term_ids=arrays["term_ids"].astype(np.int64, copy=False),
            offsets=arrays["offsets"].astype(np.int64, copy=False),
            positions=arrays["positions"].astype(np.int32),
            frequencies=arrays["frequencies"].astype(np.float32),
            lengths=arrays["lengths"].astype(np.float32),
        )
        digest = arrays["chunks_digest"].astype(np.uint8, copy=False).tobytes()
        navigation = arrays["navigation"].astype(bool)
    except KeyError as exc:
        raise LexicalFileError(f"missing array {exc}") from exc
    if version.shape != (1,) or int(version[0]) != FORMAT_VERSION:
        raise LexicalFileError("unknown format version")
    if terms_version.shape != (1,) or int(terms_version[0]) != TERMS_VERSION:
        raise LexicalFileError("postings from another tokenizer version")
    _check(index, digest)
    if navigation.shape != (index.size,):
        raise LexicalFileError("navigation flags do not match the passages")
    return LexicalFile(index=index, chunks_digest=digest, navigation=navigation)


def _compact(values: npt.NDArray[np.generic]) -> npt.NDArray[np.unsignedinteger]:
    largest = int(values.max()) if values.shape[0] else 0
    dtype = np.uint16 if largest <= np.iinfo(np.uint16).max else np.uint32
    return values.astype(dtype)


def _check(index: LexicalIndex, digest: bytes) -> None:
    terms, postings = index.term_ids.shape[0], index.positions.shape[0]
    offsets = index.offsets
    if len(digest) != DIGEST_BYTES:
        raise LexicalFileError("bad chunks digest")
    if index.term_ids.ndim != 1 or offsets.shape != (terms + 1,):
        raise LexicalFileError("offsets do not match the terms")
    if index.frequencies.shape != (postings,) or index.lengths.ndim != 1:
        raise LexicalFileError("postings arrays do not match")
    if int(offsets[0]) != 0 or int(offsets[-1]) != postings or np.any(np.diff(offsets) < 0):
        raise LexicalFileError("offsets out of range")
    if terms > 1 and np.any(np.diff(index.term_ids) <= 0):
        raise LexicalFileError("term ids not sorted")
    if postings and int(index.positions.max()) >= index.size:
        raise LexicalFileError("chunk position out of range")
