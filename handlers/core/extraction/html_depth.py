"""Refuse HTML nested deeper than a bound, before the parser sees it.

Parsing time grows with the square of the nesting depth (3.3 MB of nested tags took six
minutes), so the depth is measured first with one linear scan of the tags that mirrors
how an HTML parser builds the tree: void elements and elements whose end tag is optional
never nest, an end tag closes back to the nearest open element of its name (and is
ignored when none is open), and the contents of `script`/`style`-like elements are not
markup — except inside `svg`/`math`, where they are foreign elements whose content is
markup (and a `<div>` breaks out into HTML), so there the scan keeps counting. The scan can only over-count real depth in sloppy markup (an unclosed inline
element), so the bound is set far above any real page: browsers flatten past 512.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from handlers.core.extraction.errors import ExtractionError

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)")
# Tags are read a slice at a time so that no list of every tag is ever built.
_SLICE_CHARS = 1 << 20
_VOID = frozenset(
    [
        "area",
        "base",
        "basefont",
        "bgsound",
        "br",
        "col",
        "command",
        "embed",
        "frame",
        "hr",
        "image",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# End tag optional (the parser closes them implicitly): they never build depth.
_IMPLIED_END = frozenset(
    [
        "body",
        "caption",
        "colgroup",
        "dd",
        "dt",
        "head",
        "html",
        "li",
        "optgroup",
        "option",
        "p",
        "rb",
        "rp",
        "rt",
        "rtc",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
    ]
)
_FLAT = _VOID | _IMPLIED_END
_RAW_TEXT = frozenset(
    ["iframe", "noembed", "noframes", "script", "style", "textarea", "title", "xmp"]
)


def _tags(text: str) -> Iterator[tuple[str, str]]:
    """`(slash, name)` of every start and end tag, in order."""
    start = 0
    while start < len(text):
        # Cut just before a `<`, so no tag is split between two slices.
        cut = text.find("<", start + _SLICE_CHARS)
        end = len(text) if cut < 0 else cut
        yield from _TAG.findall(text, start, end)
        start = end


def nesting_depth(text: str, stop_above: int) -> int:
    """The deepest element nesting found, scanning no further once it passes `stop_above`."""
    stack: list[str] = []
    open_names: Counter[str] = Counter()
    raw_text: str | None = None
    deepest = 0
    for slash, tag in _tags(text):
        name = tag.lower()
        if raw_text is not None:
            # Inside script/style: only its own end tag means anything.
            if slash and name == raw_text:
                raw_text = None
            continue
        if name in _FLAT:
            continue
        if slash:
            if open_names[name]:
                while (popped := stack.pop()) != name:
                    open_names[popped] -= 1
                open_names[name] -= 1
            continue
        if name in _RAW_TEXT and not (open_names["svg"] or open_names["math"]):
            raw_text = name
            continue
        stack.append(name)
        open_names[name] += 1
        if len(stack) > deepest:
            deepest = len(stack)
            if deepest > stop_above:
                break
    return deepest


def check_html_depth(text: str, max_depth: int) -> None:
    depth = nesting_depth(text, max_depth)
    if depth > max_depth:
        raise ExtractionError(
            "too_deep",
            f"The web page nests its elements more than {max_depth} levels deep; it cannot be"
            " processed. Save it again from a browser or as plain text.",
        )
