"""Split pages of text into overlapping chunks that remember their pages.

Sizes are counted in words, a stand-in for tokens that needs no tokenizer download:
~800 words per chunk with ~200 words of overlap (OpenAI's file_search uses 800/400
tokens; an English word is ~1.3 tokens, so a chunk stays far below the embedding
model's 8k-token input). A chunk keeps the original whitespace of its text, the range
of pages it spans, and `page`: the page holding most of its words, which is what a
citation shows.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from handlers.core.extraction.pages import Page

CHUNK_WORDS = 800
OVERLAP_WORDS = 200
_PAGE_SEPARATOR = "\n\n"
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Chunk:
    index: int
    page: int
    page_start: int
    page_end: int
    words: int
    text: str

    def to_json(self) -> dict[str, int | str]:
        return {
            "index": self.index,
            "page": self.page,
            "pageStart": self.page_start,
            "pageEnd": self.page_end,
            "words": self.words,
            "text": self.text,
        }


def chunk_pages(
    pages: Sequence[Page], *, size: int = CHUNK_WORDS, overlap: int = OVERLAP_WORDS
) -> list[Chunk]:
    if size <= 0 or not 0 <= overlap < size:
        raise ValueError("need size > 0 and 0 <= overlap < size")
    text = _PAGE_SEPARATOR.join(page.text for page in pages)
    # Word offsets in compact arrays: a 2,000-page document is ~1M words.
    starts, ends = array("q"), array("q")
    for match in _WORD.finditer(text):
        starts.append(match.start())
        ends.append(match.end())
    # The index of the first word of each page, to map words back to page numbers.
    page_first_word: list[int] = []
    offset = 0
    for page in pages:
        page_first_word.append(bisect_right(starts, offset - 1))
        offset += len(page.text) + len(_PAGE_SEPARATOR)
    numbers = [page.number for page in pages]

    chunks: list[Chunk] = []
    total = len(starts)
    step = size - overlap
    first = 0
    while first < total:
        last = min(first + size, total)  # exclusive
        start_page = bisect_right(page_first_word, first) - 1
        end_page = bisect_right(page_first_word, last - 1) - 1
        chunks.append(
            Chunk(
                index=len(chunks),
                page=numbers[_majority_page(page_first_word, first, last, start_page, end_page)],
                page_start=numbers[start_page],
                page_end=numbers[end_page],
                words=last - first,
                text=text[starts[first] : ends[last - 1]],
            )
        )
        if last == total:
            break
        first += step
    return chunks


def _majority_page(first_words: list[int], first: int, last: int, lo: int, hi: int) -> int:
    best, best_count = lo, -1
    for position in range(lo, hi + 1):
        begin = max(first, first_words[position])
        end = min(last, first_words[position + 1] if position + 1 < len(first_words) else last)
        if end - begin > best_count:
            best, best_count = position, end - begin
    return best
