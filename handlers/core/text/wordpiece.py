"""BERT's uncased WordPiece tokenizer, in plain Python.

The reranker's cross-encoder (`handlers.core.retrieval.cross_encoder`) and the benchmarks'
embedders read text cut the way BERT's uncased tokenizer cuts it: lower-cased,
accents stripped, split on white space and punctuation (every punctuation mark a token of
its own, CJK ideographs one each), then each word split greedily into the longest
vocabulary pieces, continuations spelled `##piece`; a word with no such split is `[UNK]`.
Words repeat, so each word's pieces are cached.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

UNKNOWN = "[UNK]"
# BERT's limit: a longer "word" (a hash, a run of digits) is one unknown token.
MAX_WORD_CHARS = 100

# A word: letters, digits and marks; BERT treats every other printable ASCII character
# (including "_") and every Unicode punctuation as a token of its own.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_PIECES = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+|[^\w\s]|_", re.UNICODE)
# Accents (after NFD) and control or format characters are dropped, as BERT does.
_DROPPED = {"Mn", "Cc", "Cf"}


class WordPiece:
    def __init__(self, vocabulary: Sequence[str]) -> None:
        self._ids = {token: i for i, token in enumerate(vocabulary)}
        if UNKNOWN not in self._ids:
            raise ValueError("the vocabulary has no [UNK] token")
        self.unknown_id = self._ids[UNKNOWN]
        self.size = len(vocabulary)
        self._word_ids = lru_cache(maxsize=100_000)(self._split_word)

    def ids(self, text: str) -> list[int]:
        """The token ids of the text, without [CLS]/[SEP]."""
        out: list[int] = []
        for word in words(text):
            if len(word) > MAX_WORD_CHARS:
                # Not cached: a document of long unique "words" must not fill the cache
                # that lives as long as the warm function.
                out.append(self.unknown_id)
            else:
                out.extend(self._word_ids(word))
        return out

    def _split_word(self, word: str) -> tuple[int, ...]:
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self._ids.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return (self.unknown_id,)
            pieces.append(found)
            start = end
        return tuple(pieces)


def words(text: str) -> list[str]:
    """BERT's basic tokenization: lower-cased, accent-free words and punctuation marks."""
    text = text.lower()
    if not text.isascii():  # ASCII has no accents to strip
        text = "".join(
            c
            for c in unicodedata.normalize("NFD", text)
            if c.isspace() or unicodedata.category(c) not in _DROPPED
        )
    return _PIECES.findall(text)
