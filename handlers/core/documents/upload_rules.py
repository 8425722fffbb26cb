"""What an upload request must satisfy before a presigned POST is handed out.

The name becomes the last segment of the object key and the download's file name, so it
must be one plain segment: no path separators (`/`, `\\`), no control characters, not `.`/`..`, at
most 255 characters (and well under S3's 1,024-byte key limit), and no `${`: boto3 turns a
key ending in `${filename}` into a `starts-with` condition instead of an exact pin, and S3
then substitutes the uploaded file's own name into the key. The type must be one the
ingest worker can read and the size must fit the configured maximum; the presigned POST
then pins `content-length-range` to exactly the declared size.
"""

from __future__ import annotations

import unicodedata

from handlers.core.contracts.layout import SUPPORTED_CONTENT_TYPES
from handlers.core.documents.models import MAX_NAME_LENGTH, CreateDocumentRequest
from handlers.core.http.errors import (
    InvalidRequestError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)

# UTF-8 bytes of the name: leaves room for `raw/{sub}/{id}/` within S3's 1,024-byte keys.
MAX_NAME_BYTES = 512
_SEPARATORS = ("/", "\\")
# S3's POST variable syntax: `${filename}` in a key is replaced by the uploaded file's name.
_POST_VARIABLE = "${"


def normalise_content_type(content_type: str) -> str:
    """`Text/HTML; charset=utf-8` → `text/html`."""
    return content_type.split(";", 1)[0].strip().lower()


def check_name(name: str) -> str:
    """The name, NFC-normalised and trimmed; a bad one raises InvalidRequestError."""
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned or cleaned in (".", ".."):
        raise InvalidRequestError("The file name is empty.", code="invalid_name")
    if len(cleaned) > MAX_NAME_LENGTH or len(cleaned.encode("utf-8")) > MAX_NAME_BYTES:
        raise InvalidRequestError(
            f"The file name is longer than {MAX_NAME_LENGTH} characters.", code="invalid_name"
        )
    if any(separator in cleaned for separator in _SEPARATORS):
        raise InvalidRequestError(
            "The file name must not contain path separators (/ or \\).", code="invalid_name"
        )
    if _POST_VARIABLE in cleaned:
        raise InvalidRequestError(
            'The file name must not contain "${". Rename the file and try again.',
            code="invalid_name",
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for c in cleaned):
        raise InvalidRequestError(
            "The file name must not contain control or invisible characters.", code="invalid_name"
        )
    return cleaned


def check_upload(request: CreateDocumentRequest, *, max_bytes: int) -> tuple[str, str]:
    """The checked (name, content type); raises a 4xx AppError with the reason otherwise."""
    content_type = normalise_content_type(request.content_type)
    if content_type not in SUPPORTED_CONTENT_TYPES:
        supported = ", ".join(sorted(SUPPORTED_CONTENT_TYPES))
        raise UnsupportedMediaTypeError(
            f"This file type is not supported. Supported types: {supported}."
        )
    if request.size <= 0:
        raise InvalidRequestError("The file is empty.", code="empty_file")
    if request.size > max_bytes:
        raise PayloadTooLargeError(
            f"The file is larger than the {max_bytes // (1024 * 1024) or 1} MB limit"
            f" ({max_bytes} bytes)."
        )
    return check_name(request.name), content_type
