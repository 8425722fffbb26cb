"""`passages.json` (format 2) and the `chunks.json` of format 1: text and passages.

`passages.json` is one JSON object:

    {"formatVersion": 2,
     "parts": [{"part": 1, "page": 1, "pageLabel": "iv", "section": null,
                "navigation": false, "contents": [0, 812],
                "headings": [[1530, "Usage \u203a Options"]], "text": "…"}, …],
     "passages": [[1, 0, 1234], [1, 1010, 2290], …]}

`part` is 1-based and equals the part's position; `page` is null for formats without
pages; a PDF page's `section` is the outline's heading in force at its top (null without
an outline); `contents` (absent when none) is the span of a list of contents inside an
ordinary page (`Part.contents`); `headings` (absent when none) where the outline's headings
start in the page's text (`Part.headings`). Both fields were added within format 2: a file
without them reads as before. A passage is `[part, start, end]`, in order (its index is its
position): its text is its part's `text[start:end]` and its section the heading in force
at `start`, so the text is stored once, not once per overlapping passage, and a document's
passages parse fast.

`chunks.json` (format 1) is a list of `{"index", "page", "text", …}` chunks; it is read
for documents ingested before format 2 and never written any more.

JSON only (no numpy): the part route of the `agent` function reads this file too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handlers.core.derived import FORMAT_VERSION
from handlers.core.derived.passage import Part, Passage


class PassagesFileError(ValueError):
    """The file is not a `passages.json` (or `chunks.json`) this code can read."""


@dataclass(frozen=True)
class StoredText:
    parts: list[Part]
    passages: list[Passage]


def passages_file_bytes(parts: Sequence[Part], passages: Sequence[Passage]) -> bytes:
    body = {
        "formatVersion": FORMAT_VERSION,
        "parts": [
            {
                "part": part.number,
                "page": part.page,
                "pageLabel": part.page_label,
                "section": part.section,
                "navigation": part.navigation,
                **({"contents": list(part.contents)} if part.contents else {}),
                **({"headings": [list(h) for h in part.headings]} if part.headings else {}),
                "text": part.text,
            }
            for part in parts
        ],
        "passages": [[p.part, p.start, p.end] for p in passages],
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_parts(body: bytes) -> list[Part]:
    """The parts of a `passages.json`; raises PassagesFileError when it is not one."""
    return _parts(_load(body))


def _parts(data: Any) -> list[Part]:
    if not isinstance(data, dict) or data.get("formatVersion") != FORMAT_VERSION:
        raise PassagesFileError("not a passages file of this format version")
    items = data.get("parts")
    if not isinstance(items, list):
        raise PassagesFileError("parts is not a list")
    parts: list[Part] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise PassagesFileError("part without text")
        parts.append(
            Part(
                number=position,
                text=item["text"],
                page=_optional_int(item.get("page")),
                page_label=_optional_str(item.get("pageLabel")),
                section=_optional_str(item.get("section")),
                navigation=item.get("navigation") is True,
                contents=_optional_span(item.get("contents"), len(item["text"])),
                headings=_headings(item.get("headings"), len(item["text"])),
            )
        )
    return parts


def read_passages_file(document_id: str, body: bytes) -> StoredText:
    data = _load(body)
    parts = _parts(data)
    items = data.get("passages")
    if not isinstance(items, list):
        raise PassagesFileError("passages is not a list")
    passages: list[Passage] = []
    for position, item in enumerate(items):
        try:
            number, start, end = item
            part = parts[number - 1]
            if number < 1 or not 0 <= start <= end <= len(part.text):
                raise ValueError("passage out of its part")
        except (TypeError, ValueError, IndexError) as exc:
            raise PassagesFileError("bad passage") from exc
        # Positional: a document's passages are built on every cold search that returns one.
        passages.append(
            Passage(
                document_id,
                "",
                position,
                part.page,
                part.text[start:end],
                0.0,
                0.0,
                0.0,
                number,
                part.page_label,
                part.section_at(start),
                start,
                end,
                part.navigation_at(start, end),
            )
        )
    return StoredText(parts=parts, passages=passages)


def read_legacy_chunks(document_id: str, body: bytes) -> list[Passage]:
    """Format 1's `chunks.json`: a list of chunks with `text` and optionally `index` and
    `page` (the page holding most of the chunk); extra fields are ignored; a missing index
    is the position. An object with a `chunks` list, and `chunkIndex`/`pageNumber` names,
    are read too."""
    data = _load(body)
    items = data.get("chunks") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise PassagesFileError("chunks file is not a list of chunks")
    passages: list[Passage] = []
    for position, item in enumerate(items):
        # dict first: the ABC check of Mapping costs more than the rest of the loop.
        if not isinstance(item, dict | Mapping) or not isinstance(item.get("text"), str):
            raise PassagesFileError("chunk without text")
        index = item["index"] if "index" in item else item.get("chunkIndex", position)
        page = item["page"] if "page" in item else item.get("pageNumber")
        passages.append(
            Passage(
                document_id=document_id,
                document_name="",
                chunk_index=int(index),
                page=int(page) if isinstance(page, int | float) else None,
                text=item["text"],
            )
        )
    return passages


def _load(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PassagesFileError("not JSON") from exc


def _optional_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _optional_span(value: object, length: int) -> tuple[int, int] | None:
    if not isinstance(value, list) or len(value) != 2:
        return None
    start, end = (_optional_int(v) for v in value)
    if start is None or end is None or not 0 <= start <= end <= length:
        return None
    return (start, end)


def _headings(value: object, length: int) -> tuple[tuple[int, str], ...]:
    """`[[offset, path], …]` in ascending offsets inside the text; anything else is none."""
    if not isinstance(value, list):
        return ()
    headings: list[tuple[int, str]] = []
    for item in value:
        if not isinstance(item, list) or len(item) != 2:
            return ()
        offset, path = _optional_int(item[0]), _optional_str(item[1])
        if offset is None or path is None or not 0 <= offset <= length:
            return ()
        if headings and offset <= headings[-1][0]:
            return ()
        headings.append((offset, path))
    return tuple(headings)
