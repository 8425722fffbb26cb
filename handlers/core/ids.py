"""Time-ordered identifiers (ULID layout: 48-bit milliseconds + 80 random bits).

26 characters of Crockford base32, so ids sort by creation time as strings: a DynamoDB
sort key built from one orders a user's items by creation, newest first with
`ScanIndexForward=False`.
"""

from __future__ import annotations

import re
import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_LENGTH = 26
_ID_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def new_id(now_ms: int | None = None) -> str:
    """A new id; `now_ms` (Unix epoch milliseconds) defaults to the current time."""
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    value = (millis & ((1 << 48) - 1)) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(ID_LENGTH):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_valid_id(value: str) -> bool:
    """True for a well-formed id (any casing other than upper is rejected)."""
    return bool(_ID_PATTERN.match(value))
