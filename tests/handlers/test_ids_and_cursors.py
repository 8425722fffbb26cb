"""Time-ordered ids and opaque cursors."""

from __future__ import annotations

import base64

import pytest

from handlers.core.http.cursors import decode_cursor, encode_cursor
from handlers.core.http.errors import InvalidRequestError
from handlers.core.ids import ID_LENGTH, is_valid_id, new_id


def test_ids_sort_by_creation_time():
    ids = [new_id(now_ms=1_700_000_000_000 + step) for step in (0, 1, 1000, 86_400_000)]

    assert ids == sorted(ids)
    assert all(len(value) == ID_LENGTH and is_valid_id(value) for value in ids)


def test_ids_in_the_same_millisecond_differ():
    assert len({new_id(now_ms=1) for _ in range(1000)}) == 1000


@pytest.mark.parametrize(
    "value",
    ["", "01arz3ndektsv4rrffq69g5fav", "01ARZ3NDEKTSV4RRFFQ69G5FA", "01ARZ3NDEKTSV4RRFFQ69G5FAU!"],
)
def test_malformed_ids_are_rejected(value):
    assert not is_valid_id(value)


def test_cursor_round_trips():
    value = new_id()

    assert decode_cursor(encode_cursor(value)) == value


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "%%%",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'{"v": 2, "id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}').decode(),
        base64.urlsafe_b64encode(b'{"v": 1, "id": "USER#someone-else"}').decode(),
    ],
)
def test_tampered_cursors_are_a_400(cursor):
    with pytest.raises(InvalidRequestError) as raised:
        decode_cursor(cursor)

    assert raised.value.code == "invalid_cursor"
