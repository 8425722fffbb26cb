"""Opaque pagination cursors: base64url of the last returned id.

The cursor names only an id inside the caller's own partition; the query's partition key
always comes from the caller's identity, so a forged cursor cannot reach another user.
"""

from __future__ import annotations

import base64
import binascii
import json

from handlers.core.http.errors import InvalidRequestError
from handlers.core.ids import is_valid_id

_VERSION = 1


def encode_cursor(last_id: str) -> str:
    raw = json.dumps({"v": _VERSION, "id": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The id a cursor points after; anything malformed raises InvalidRequestError (400)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise InvalidRequestError("The cursor is not valid.", code="invalid_cursor") from exc
    if not isinstance(data, dict):
        raise InvalidRequestError("The cursor is not valid.", code="invalid_cursor")
    last_id = data.get("id")
    if data.get("v") != _VERSION or not isinstance(last_id, str) or not is_valid_id(last_id):
        raise InvalidRequestError("The cursor is not valid.", code="invalid_cursor")
    return last_id
