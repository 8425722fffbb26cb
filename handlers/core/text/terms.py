"""The one tokenizer of lexical search: the terms of a text, at ingest and at query time.

`terms(text)` gives, in order, with repeats (BM25 counts them):

- **word terms**: Unicode letter/digit runs, NFKC-normalised and case-folded, stop words
  dropped, irregular verb forms taken back to their base ("wrote" → "write"), reduced to
  their Snowball (English) stem, so "configuring" meets "configuration". Han and kana characters are one term each (those scripts do not
  separate words with spaces).
- **identifier terms**, kept exactly (case-folded, except options): whitespace-delimited
  tokens holding something besides letters and digits — `bash_rematch`, `--help`, `-I`,
  `**`, `pg_dump`, `postgresql.conf`, `$home`, `2>&1` — and an option with the word before
  it (`rebase -i`), so a technical query hits the passage that defines the identifier,
  not every passage with its parts. Their words are word terms too (`pg_dump` also gives
  `pg` and `dump`).

Both sides must tokenise identically: BM25 postings stored at ingest are matched against
the query's terms. `TERMS_VERSION` changes whenever `terms()` would give a different
result, and stored postings of another version are rebuilt from the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type hints

from handlers.core.text.irregular import BASE_FORM
from handlers.core.text.stopwords import FUNCTION_WORDS, QUESTION_WORDS, STOP_WORDS

TERMS_VERSION = 2  # 1: lower-cased letter/digit runs, no stemming, no identifiers

MAX_IDENTIFIER_CHARS = 64

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_LEADING = "\"'`([{\u00ab\u2018\u201c"
_TRAILING = "\"'`)]}\u00bb\u2019\u201d,;:"
_SENTENCE_END = ".?!"
_BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"))
# Rules, leaders and bullets, not identifiers: "-----", "......", "•".
_FILLER = frozenset("-._=~\u2026\u00b7\u2022\u2013\u2014")
_ABBREVIATION = re.compile(r"^[^\W\d_](\.[^\W\d_])+$")  # e.g, i.e, u.s
_OPTION = re.compile(r"^--?[^\W_]")
# "How long", "how many": the question asks for a quantity; the word names no subject.
_HOW_MUCH = re.compile(
    r"\bhow\s+(?:long|many|much|often|far|old|big|large|small|soon|fast|late|early)\b",
    re.IGNORECASE,
)

_stemmer = Stemmer.Stemmer("english")


def terms(text: str) -> list[str]:
    """The BM25 terms of a text: stemmed words, then exact identifiers (see module doc)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    words = [
        BASE_FORM.get(word, word)
        for word in _WORD.findall(text.casefold())
        if word not in STOP_WORDS
    ]
    found: list[str] = _stemmer.stemWords(words)
    found.extend(identifiers(text))
    return found


def key_terms(question: str) -> set[str]:
    """The distinct terms of a question that name its subject (for the relevance gate):
    without the words it is phrased with ("explain", "how long", "how many")."""
    return set(terms(_HOW_MUCH.sub("how", question))) - _QUESTION_TERMS


def words_giving(text: str, wanted: Collection[str]) -> list[str]:
    """The words of a text, as written (without the punctuation around them), that give
    any of these terms, each once, in order: "Kubernetes?" for the term "kubernet"."""
    shown: list[str] = []
    for raw in text.split():
        word, _ = _strip(raw)
        if word and word not in shown and not set(terms(word)).isdisjoint(wanted):
            shown.append(word)
    return shown


def asks_for_quantity(question: str) -> bool:
    """Whether the question asks "how many", "how long"...: its answer holds a number."""
    return _HOW_MUCH.search(question) is not None


def identifiers(text: str) -> list[str]:
    """The identifier terms of a (normalised) text, in order, with repeats."""
    found: list[str] = []
    previous = ""  # the word before, when nothing (a comma, a full stop) separates them
    for raw in text.split():
        token, ended = _strip(raw)
        if not token:
            previous = ""
            continue
        if not _is_plain_word(token):
            identifier = _identifier(token)
            if identifier:
                found.append(identifier)
                if previous and _OPTION.match(token):
                    found.append(f"{previous} {identifier}")
        previous = "" if ended else token.casefold()
    return found


def _strip(raw: str) -> tuple[str, bool]:
    """The token without surrounding quotes and punctuation; whether a clause ended."""
    token = raw.lstrip(_LEADING)
    stripped = _keep_balanced(token, token.rstrip(_TRAILING))
    ended = len(stripped) < len(token)
    # "BASH_REMATCH?" ends a sentence; "$?" and "!!" are the identifiers themselves.
    if any(c.isalnum() for c in stripped):
        without = stripped.rstrip(_SENTENCE_END)
        ended = ended or len(without) < len(stripped)
        stripped = _keep_balanced(token, without.rstrip(_TRAILING))
    return stripped, ended


def _keep_balanced(token: str, stripped: str) -> str:
    """Give back closing brackets the token opened itself: "+(foo)", "$(cat file)"."""
    for opening, closing in _BRACKETS:
        while (
            len(stripped) < len(token)
            and token[len(stripped)] == closing
            and stripped.count(opening) > stripped.count(closing)
        ):
            stripped = token[: len(stripped) + 1]
    return stripped


def _is_plain_word(token: str) -> bool:
    if token.isalnum():
        return True
    # Prose apostrophes (ASCII or U+2019) do not make an identifier.
    return token.replace("'", "").replace("\u2019", "").isalnum()


def _identifier(token: str) -> str | None:
    if len(token) > MAX_IDENTIFIER_CHARS or set(token) <= _FILLER:
        return None
    if not any(c.isalnum() for c in token):
        # Operators and globs ("**", "&&", "2>&1" has digits): short symbol runs only.
        return token if 2 <= len(token) <= 4 else None
    if _OPTION.match(token):
        return token  # options keep their case: `grep -i` is not `grep -I`
    folded = token.casefold()
    return None if _ABBREVIATION.match(folded) else folded


_QUESTION_TERMS = frozenset(_stemmer.stemWords(sorted(QUESTION_WORDS | FUNCTION_WORDS)))
