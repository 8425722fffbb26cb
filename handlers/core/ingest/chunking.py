"""Split a document's parts into passages that never cross a part (page or section).

Sizes are counted in words, a stand-in for tokens that needs no tokenizer download. A
passage is at most `PASSAGE_WORDS` words; consecutive passages of one part share
`OVERLAP_WORDS`, so a sentence cut by one passage is whole in the next; a part's last few
words join the passage before rather than standing alone. Sizes were chosen by measurement
(docs/architecture.md, "Passages"): small enough that the cited page is the page of the
fact, large enough that a passage holds the sentence around it. The first version's
800-word chunks with 200 words of overlap spanned 2-3 pages and cited the page holding
most of their words, often the neighbour of the right one.

A passage keeps the part's original text between its first and last word, and its
character offsets in the part: `part.text[start:end] == passage.text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from handlers.core.derived.passage import Part, Passage

PASSAGE_WORDS = 300
OVERLAP_WORDS = 60
# Every whitespace character (`str.isspace`, what the regex `\S` excludes): words are the
# runs between them, found with numpy (a regex match object per word cost more than all
# of cleaning the text).
_SPACE_CODES = np.asarray([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)


def chunk_parts(
    document_id: str,
    parts: Sequence[Part],
    *,
    size: int = PASSAGE_WORDS,
    overlap: int = OVERLAP_WORDS,
) -> list[Passage]:
    if size <= 0 or not 0 <= overlap < size:
        raise ValueError("need size > 0 and 0 <= overlap < size")
    passages: list[Passage] = []
    for part in parts:
        for start, end in _part_windows(part, size, overlap):
            passages.append(
                Passage(
                    document_id=document_id,
                    document_name="",
                    chunk_index=len(passages),
                    page=part.page,
                    text=part.text[start:end],
                    part=part.number,
                    page_label=part.page_label,
                    section=part.section_at(start),
                    start=start,
                    end=end,
                    navigation=part.navigation_at(start, end),
                )
            )
    return passages


def _part_windows(part: Part, size: int, overlap: int) -> list[tuple[int, int]]:
    """A part's windows. A list of contents inside it is windowed apart from the text
    around it, so that no passage is half list, half answer; so is each heading's stretch,
    so that a passage is under one heading."""
    windows: list[tuple[int, int]] = []
    for low, high in _stretches(part):
        windows += [(low + a, low + b) for a, b in _windows(part.text[low:high], size, overlap)]
    return windows


def _stretches(part: Part) -> list[tuple[int, int]]:
    """The part's text cut at the bounds of its contents list and at its headings."""
    cuts = {start for start, _ in part.headings} | set(part.contents or ())
    bounds = [0, *sorted(cut for cut in cuts if 0 < cut < len(part.text)), len(part.text)]
    return list(pairwise(bounds))


def _windows(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Character ranges of the word windows of one part."""
    starts, ends = _word_bounds(text)
    total = len(starts)
    step = size - overlap
    # A tail shorter than this joins the window before it.
    min_tail = max(1, step // 3)
    windows: list[tuple[int, int]] = []
    first = 0
    while first < total:
        last = min(first + size, total)
        if total - last < min_tail:
            last = total
        windows.append((int(starts[first]), int(ends[last - 1])))
        if last == total:
            break
        first += step
    return windows


def _word_bounds(text: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Start and end offsets of each word (maximal run of non-whitespace) in `text`."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    in_word = np.empty(codes.shape[0] + 2, dtype=np.int8)
    in_word[0] = in_word[-1] = 0
    in_word[1:-1] = ~np.isin(codes, _SPACE_CODES)
    edges = np.diff(in_word)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
