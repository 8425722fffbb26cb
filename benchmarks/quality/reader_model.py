"""A scripted chat model for the fake OpenAI server: it reads like a careful model would.

First request without tool results: it calls `search_documents` with the user's question.
Once tool results are in the messages: it quotes the (at most) two sentences of the returned
passages that cover the most of the question's content words, each followed by its
passage's `[ref]`, and says the documents do not contain the answer when no sentence covers
a third of them (two words at least). When the request asks for structured output with
`answer` and `citations` (`response_format` json_schema), it answers in that JSON, each
citation's quote the sentence verbatim; otherwise in plain text.

It is deterministic and lexical: the OpenAI path is measured for what the product does
around the model (retrieval, the passages it hands over, the citations it keeps), not for a
model's judgement.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from tests.agent.fake_openai import answer_message, tool_call_message

REFUSAL = "The documents do not contain the answer to this question."
QUOTED_SENTENCES = 2
_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n{2,}")
# The reader's own stop words (not the product's: it stands in for an independent model).
_STOP = frozenset(
    "a an and are as at be by can could de do does did for from has have how i if in is it "  # noqa: SIM905
    "its me my of on or our should so that the their there these this to use used using "
    "was we were what when where which who why will with would you your".split()
)


def content_words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if word not in _STOP}


def answer_from_tool_results(body: dict[str, Any]) -> dict[str, Any]:
    """The reply to one chat request (the fake server calls this with the request body)."""
    messages = body.get("messages") or []
    question = next(
        (str(m.get("content") or "") for m in reversed(messages) if m.get("role") == "user"), ""
    )
    results = [m for m in messages if m.get("role") == "tool"]
    if not results:
        return tool_call_message(("search_documents", {"query": question}))
    passages = [p for m in results for p in _passages(str(m.get("content") or ""))]
    quotes = _best_sentences(question, passages)
    if _wants_cited_json(body):
        return answer_message(
            json.dumps(
                {
                    "answer": _text(quotes),
                    "citations": [{"ref": _ref_value(ref), "quote": s} for ref, s in quotes],
                }
            )
        )
    return answer_message(_text(quotes))


def _wants_cited_json(body: dict[str, Any]) -> bool:
    schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("schema") or {}
    return {"answer", "citations"} <= set(schema.get("properties") or {})


def _ref_value(ref: str) -> int | str:
    return int(ref) if ref.isdigit() else ref


def _text(quotes: list[tuple[str, str]]) -> str:
    if not quotes:
        return REFUSAL
    return " ".join(f'"{sentence}" [{ref}]' for ref, sentence in quotes)


def _passages(content: str) -> list[tuple[str, str]]:
    """(ref, text) of each passage in a tool result; tolerant of renamed fields."""
    try:
        result = json.loads(content)
    except json.JSONDecodeError:
        return []
    found = []
    for item in result.get("passages") or [] if isinstance(result, dict) else []:
        ref = item.get("ref", item.get("id"))
        text = item.get("text") or item.get("quote") or item.get("excerpt") or ""
        if ref is not None and text:
            found.append((str(ref), str(text)))
    return found


def _best_sentences(question: str, passages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(ref, sentence) of the sentences to quote; none when nothing covers the question."""
    terms = content_words(question)
    if not terms:
        return []
    scored: list[tuple[int, int, str, str]] = []
    for rank, (ref, text) in enumerate(passages):
        for sentence in _SENTENCE_END.split(text):
            # Verbatim, so a product that checks quotes against the passage finds it.
            sentence = sentence.strip()
            overlap = len(content_words(sentence) & terms)
            if overlap:
                scored.append((overlap, -rank, ref, sentence))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    needed = min(len(terms), max(2, math.ceil(len(terms) / 3)))
    chosen = [item for item in scored if item[0] >= needed][:QUOTED_SENTENCES]
    return [(ref, sentence) for _, _, ref, sentence in chosen]
