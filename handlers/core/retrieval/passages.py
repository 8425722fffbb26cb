"""Chunks as the ingest worker stores them, and passages as retrieval returns them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Chunk:
    index: int
    page: int | None
    text: str


@dataclass(frozen=True)
class Passage:
    """One retrieved chunk of one of the caller's documents."""

    document_id: str
    document_name: str
    chunk_index: int
    page: int | None
    text: str
    score: float
    # The parts of the fused score, so an answerer can tell a real match from noise.
    lexical_score: float = 0.0
    dense_score: float = 0.0


def parse_chunks(data: Any) -> list[Chunk]:
    """`chunks.json` as `handlers.core.documents.derived` writes it: a list of chunks.

    Each chunk has `text` and optionally `index` and `page` (1-based; the page holding
    most of the chunk); extra fields are ignored; a missing index is the position. An
    object with a `chunks` list, and `chunkIndex`/`pageNumber` names, are read too.
    """
    items = data.get("chunks") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise ValueError("chunks file is not a list of chunks")
    chunks: list[Chunk] = []
    for position, item in enumerate(items):
        # dict first: the ABC check of Mapping costs more than the rest of the loop.
        if not isinstance(item, dict | Mapping) or not isinstance(item.get("text"), str):
            raise ValueError("chunk without text")
        index = item["index"] if "index" in item else item.get("chunkIndex", position)
        page = item["page"] if "page" in item else item.get("pageNumber")
        chunks.append(
            Chunk(
                int(index),
                int(page) if isinstance(page, int | float) else None,
                item["text"],
            )
        )
    return chunks


def dump_chunks(chunks: Sequence[Chunk]) -> bytes:
    """A minimal `chunks.json` (tests and benchmarks): `[{index, page, text}]`."""
    return json.dumps(
        [{"index": c.index, "page": c.page, "text": c.text} for c in chunks], ensure_ascii=False
    ).encode("utf-8")
