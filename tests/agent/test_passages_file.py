"""`passages.json`: parts' text once, passages as offsets into it; bad files are refused."""

from __future__ import annotations

import json

import pytest

from handlers.core.derived.passage import Part
from handlers.core.derived.passages_file import (
    PassagesFileError,
    passages_file_bytes,
    read_parts,
    read_passages_file,
)
from handlers.core.ingest.chunking import chunk_parts

PARTS = [
    Part(1, "Contents ..... 2", page=1, page_label="i", navigation=True),
    Part(2, " ".join(f"w{i}" for i in range(450)), page=2),
    Part(3, "", page=3),
]


def test_round_trip_keeps_parts_and_rebuilds_each_passage_text() -> None:
    passages = chunk_parts("doc", PARTS)
    body = passages_file_bytes(PARTS, passages)

    stored = read_passages_file("doc", body)

    assert stored.parts == PARTS
    assert stored.passages == passages
    # The text is stored once: the file is about the size of the parts' text
    assert len(body) < sum(len(part.text) for part in PARTS) * 1.2
    assert read_parts(body) == PARTS


@pytest.mark.parametrize(
    "passages",
    [
        [[4, 0, 1]],  # no such part
        [[0, 0, 1]],
        [[1, 0, 999]],  # past the part's end
        [[1, 5, 2]],
        [[1, 0]],
        [{"part": 1, "start": 0, "end": 1}],
        "not a list",
    ],
)
def test_passages_outside_their_part_are_refused(passages: object) -> None:
    body = json.loads(passages_file_bytes(PARTS, []))
    body["passages"] = passages
    with pytest.raises(PassagesFileError):
        read_passages_file("doc", json.dumps(body).encode())


@pytest.mark.parametrize("version", [None, 1, 3])
def test_another_format_version_is_not_read(version: int | None) -> None:
    body = json.loads(passages_file_bytes(PARTS, []))
    body["formatVersion"] = version
    with pytest.raises(PassagesFileError):
        read_parts(json.dumps(body).encode())
