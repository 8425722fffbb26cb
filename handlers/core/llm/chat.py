"""The OpenAI tool-calling loop.

Before any request, the relevance gate searches for the question: without evidence in
the documents the answer is "not in your documents" and the model is never called. With
evidence, those passages (numbered, with their `ref`) open the conversation as the result
of a `search_documents` call, so the model can answer in one round. Each round sends the
conversation so far with the tool specs; tool calls are run by `AgentTools` (bound to the
caller) and their results appended as `tool` messages. After `max_rounds` rounds with tool
calls, one last request without tools forces an answer, so a question costs at most
`max_rounds + 1` chat requests.

The model answers in JSON (`ANSWER_FORMAT`): the text with [ref] marks, and for each ref
cited a quote copied from that passage. A quote not found in its passage drops that
citation (`AgentTools.cited`). A reply that is not that JSON is taken as plain text whose
marks cite whole passages.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from handlers.core.llm.answers import (
    NOT_IN_DOCUMENTS,
    DraftAnswer,
    Exchange,
    Grounding,
    grounding_of,
    quoted_words,
)
from handlers.core.llm.client import call_openai
from handlers.core.llm.deadline import MIN_CALL_SECONDS, Deadline
from handlers.core.llm.errors import LlmUnavailableError
from handlers.core.llm.prompts import ANSWER_FORMAT, FINAL_ROUND_NOTE, SYSTEM_PROMPT, doubt_note
from handlers.core.llm.tools import TOOL_SPECS, AgentTools, Search
from handlers.core.runtime.tracing import tracer

if TYPE_CHECKING:
    from openai import OpenAI
    from openai.types.chat import ChatCompletion

    from handlers.core.retrieval.gate import Evidence

logger = Logger(child=True)

HISTORY_EXCHANGES = 4
MAX_COMPLETION_TOKENS = 1200
NO_ANSWER = "The model returned no answer."
GATE_CALL_ID = "call_gate_search"


class OpenAIAnswerer:
    def __init__(self, client: OpenAI, *, model: str, max_rounds: int) -> None:
        self._client = client
        self._model = model
        self._max_rounds = max_rounds

    @property
    def model(self) -> str:
        return self._model

    def answer(
        self,
        question: str,
        tools: AgentTools,
        history: Sequence[Exchange] = (),
        deadline: Deadline | None = None,
    ) -> DraftAnswer:
        search = _gate(question, tools, history)
        if not search.evidence.found:
            logger.info(
                "no evidence",
                coverage=search.evidence.coverage,
                relevance=search.evidence.relevance,
            )
            return DraftAnswer(
                text=NOT_IN_DOCUMENTS, model=self._model, grounding=Grounding.NOT_FOUND
            )
        messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM_PROMPT}]
        for exchange in list(history)[-HISTORY_EXCHANGES:]:
            messages.append({"role": "user", "content": exchange.question})
            messages.append({"role": "assistant", "content": exchange.answer})
        messages.append({"role": "user", "content": question})
        messages.extend(_search_exchange(tools, search))

        usage = _Usage()
        for round_number in range(self._max_rounds + 1):
            final = round_number == self._max_rounds
            if final:
                messages.append({"role": "system", "content": FINAL_ROUND_NOTE})
            completion = self._complete(messages, usage, with_tools=not final, deadline=deadline)
            message = completion.choices[0].message
            tool_calls = [call for call in message.tool_calls or [] if call.type == "function"]
            if final or not tool_calls:
                return usage.draft(message.content or "", self._model, search.evidence)
            messages.append(message.model_dump(exclude_none=True, exclude_unset=True))
            for call in tool_calls:
                logger.info("tool call", tool=call.function.name, round=round_number)
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": call.id,
                        "content": tools.call(call.function.name, call.function.arguments),
                    }
                )
        raise AssertionError("unreachable: the last round returns")

    @tracer.capture_method(capture_response=False)
    def _complete(
        self,
        messages: list[dict[str, Any]],
        usage: _Usage,
        *,
        with_tools: bool,
        deadline: Deadline | None,
    ) -> ChatCompletion:
        # The last round keeps the tool specs (the history holds tool calls) but forbids them.
        options = {
            "tools": TOOL_SPECS,
            "tool_choice": "auto" if with_tools else "none",
            "response_format": ANSWER_FORMAT,
        }
        client = self._within(deadline)
        started = time.perf_counter()
        completion: ChatCompletion = call_openai(
            partial(
                client.chat.completions.create,
                model=self._model,
                messages=messages,
                max_completion_tokens=MAX_COMPLETION_TOKENS,
                **options,
            )
        )
        usage.add(completion, (time.perf_counter() - started) * 1000)
        return completion

    def _within(self, deadline: Deadline | None) -> OpenAI:
        """The client, with its timeout and retries cut to what the deadline leaves."""
        if deadline is None:
            return self._client
        left = deadline.remaining()
        if left < MIN_CALL_SECONDS:
            raise LlmUnavailableError("The language model took too long to answer.")
        per_try = (
            float(self._client.timeout) if isinstance(self._client.timeout, int | float) else left
        )
        if left >= per_try * (self._client.max_retries + 1):
            return self._client
        # Not enough time for every retry at the full timeout: one try, with what is left.
        return self._client.with_options(timeout=left, max_retries=0)


class _Usage:
    def __init__(self) -> None:
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.calls = 0
        self.latency_ms = 0.0

    def add(self, completion: ChatCompletion, latency_ms: float) -> None:
        self.calls += 1
        self.latency_ms += latency_ms
        if completion.usage is not None:
            self.prompt_tokens += completion.usage.prompt_tokens
            self.completion_tokens += completion.usage.completion_tokens

    def draft(self, content: str, model: str, evidence: Evidence) -> DraftAnswer:
        text, quotes = parse_answer(content)
        return DraftAnswer(
            text=text.strip() or NO_ANSWER,
            model=model,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            llm_calls=self.calls,
            llm_latency_ms=self.latency_ms,
            quotes=quotes,
            grounding=grounding_of(evidence),
        )


def parse_answer(content: str) -> tuple[str, dict[int, str] | None]:
    """The answer text and its quotes by ref, from `ANSWER_FORMAT` JSON; plain text
    (no quotes: its marks cite whole passages) when the reply is not that JSON."""
    try:
        data = json.loads(content)
    except ValueError:
        return content, None
    if not isinstance(data, dict) or not isinstance(data.get("answer"), str):
        return content, None
    quotes: dict[int, str] = {}
    for item in data.get("citations") or []:
        if not isinstance(item, dict):
            continue
        ref, quote = item.get("ref"), item.get("quote")
        if isinstance(ref, int) and isinstance(quote, str) and ref not in quotes:
            quotes[ref] = quote
    return data["answer"], quotes


def _gate(question: str, tools: AgentTools, history: Sequence[Exchange]) -> Search:
    search = tools.gated_search(question)
    if search.evidence.found or not history:
        return search
    # A follow-up ("and on Windows?") names its subject in the question before it.
    return tools.gated_search(f"{history[-1].question} {question}")


def _search_exchange(tools: AgentTools, search: Search) -> list[dict[str, Any]]:
    """The gate's search as a tool call and its result, as if the model had made it, with
    the gate's doubt when it has one."""
    result = tools.results(search.hits)
    if search.evidence.doubtful:
        result["note"] = doubt_note(quoted_words(search.unmentioned()))
    call = {
        "id": GATE_CALL_ID,
        "type": "function",
        "function": {"name": "search_documents", "arguments": json.dumps({"query": search.query})},
    }
    return [
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {
            "role": "tool",
            "tool_call_id": GATE_CALL_ID,
            "content": json.dumps(result, ensure_ascii=False),
        },
    ]
