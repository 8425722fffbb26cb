"""Base forms of words Snowball leaves derived: comparatives, superlatives and -ly adverbs.

Snowball's English stemmer keeps "stronger", "strongest" and "slowly" (as "slowli") apart
from "strong" and "slow". Rewriting them at ingest would change every stored posting, so
the relevance gate uses this on the query side only: a question's term that no document
contains is looked up by its base form ("How do I force stronger passwords?" over a
passage on "strong passwords").
"""

from __future__ import annotations

_VOWELS = frozenset("aeiouy")
MIN_BASE_CHARS = 3


def base_forms(term: str) -> tuple[str, ...]:
    """Stems a comparative, superlative or -ly adverb may derive from, likeliest first
    (none for other terms)."""
    if not term.isalpha():
        return ()
    if term.endswith("li"):  # Snowball writes the -y of "-ly" as -i
        return _long_enough(term[:-2])
    for suffix in ("est", "er"):
        if term.endswith(suffix):
            base = term[: -len(suffix)]
            if len(base) >= 2 and base[-1] == base[-2] and base[-1] not in _VOWELS:
                return _long_enough(base[:-1], base)  # "bigger" → "big"
            return _long_enough(base)
    return ()


def _long_enough(*bases: str) -> tuple[str, ...]:
    return tuple(base for base in bases if len(base) >= MIN_BASE_CHARS)
