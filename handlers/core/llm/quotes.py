"""Finding a quoted text inside the passage it claims to come from.

A model copies quotes imperfectly in harmless ways — collapsed line breaks, curly quotes,
case, an ellipsis for an omitted stretch — and sometimes invents them. `locate` accepts
the first kind and refuses the second: every fragment of the quote (split at ellipses)
must occur, in order, in the passage once both are normalised, and the quote must be long
enough to say something. The span returned is in the passage's own text, so a citation's
excerpt is that exact text, never the model's version of it.
"""

from __future__ import annotations

import re
import unicodedata

# A shorter quote ("yes", "two") is found by chance in most passages.
MIN_QUOTE_CHARS = 8

_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*")
_EDGES = "\"'“”‘’«» \t\n"  # noqa: RUF001 - the quotation marks a model wraps a quote in
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00ad": None,  # soft hyphen
    }
)


def locate(passage_text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of the quote in `passage_text`, or None when it is not there."""
    fragments = [
        _normalise(part)[0] for part in _ELLIPSIS.split(quote.strip(_EDGES)) if part.strip()
    ]
    fragments = [fragment for fragment in fragments if fragment]
    if sum(len(fragment) for fragment in fragments) < MIN_QUOTE_CHARS:
        return None
    text, origin = _normalise(passage_text)
    start: int | None = None
    position = 0
    end = 0
    for fragment in fragments:
        found = text.find(fragment, position)
        if found < 0:
            return None
        if start is None:
            start = found
        position = end = found + len(fragment)
    assert start is not None
    return origin[start], origin[end - 1] + 1


def _normalise(text: str) -> tuple[str, list[int]]:
    """Case-folded, NFKC, plain quotes and dashes, whitespace runs as one space — and for
    each character of the result, the index of the character it came from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                origin.append(index)
            continue
        mapped = unicodedata.normalize("NFKC", char).translate(_TYPOGRAPHY).casefold()
        out.extend(mapped)
        origin.extend([index] * len(mapped))
    while out and out[-1] == " ":
        out.pop()
        origin.pop()
    return "".join(out), origin
