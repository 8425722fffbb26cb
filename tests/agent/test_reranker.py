"""The reranker: the fused ranking's first passages reordered by a cross-encoder, which may
overrule the lexical gate's refusal but never its answer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from handlers.core.derived.passage import Passage
from handlers.core.llm.answers import Grounding
from handlers.core.llm.offline import ANSWER_INTRO, DOUBTFUL_INTRO, OfflineAnswerer
from handlers.core.llm.tools import AgentTools
from handlers.core.retrieval.cross_encoder import CrossEncoder, FloatArray
from handlers.core.retrieval.reranker import DOUBT_LOGIT, RERANK_DEPTH, RESCUE_LOGIT, Reranker
from tests.agent.test_tools import StubIndex, passage, record


class ScriptedModel(CrossEncoder):
    """A cross-encoder whose logit for a passage is looked up by its text."""

    def __init__(self, logits: dict[str, float]) -> None:
        self.logits = logits
        self.asked: list[tuple[str, list[tuple[str, str]]]] = []

    def scores(self, question: str, passages: Sequence[tuple[str, str]]) -> FloatArray:
        self.asked.append((question, list(passages)))
        return np.array([self.logits.get(text, -10.0) for _, text in passages], dtype=np.float32)


def texts(passages: Sequence[Passage]) -> list[str]:
    return [p.text for p in passages]


def named(text: str, index: int, **fields: object) -> Passage:
    return replace(passage("a", index), text=text, **fields)  # type: ignore[arg-type]


def test_body_text_is_ordered_by_both_rankings_and_navigation_stays_last() -> None:
    fused = [
        named("contents 1 2 3", 0, navigation=True),
        named("first", 1),
        named("second", 2, section="Usage \u203a Options"),
        named("third", 3),
    ]
    model = ScriptedModel({"contents 1 2 3": 9.0, "second": 4.0, "third": 4.0, "first": -2.0})
    reranked = Reranker(model).rerank("q", fused)
    # Fused ranks 2, 3, 4 and model ranks 2, 4, 3 (the contents are 1st in both): by the sum
    # of their reciprocal ranks "second" (3rd + 2nd) goes first, then "first" (2nd + 4th).
    assert texts(reranked.passages) == ["second", "first", "third", "contents 1 2 3"]
    assert reranked.best == 4.0  # the table of contents does not count
    assert reranked.vouches == (RESCUE_LOGIT <= 4.0)
    # The model reads each passage under its heading path.
    assert model.asked[0][1][2] == ("Usage \u203a Options", "second")


def test_nothing_but_navigation_vouches_for_nothing() -> None:
    model = ScriptedModel({"contents": 9.0})
    reranked = Reranker(model).rerank("q", [named("contents", 0, navigation=True)])
    assert reranked.best == float("-inf")
    assert not reranked.vouches


def _tools(fused: list[Passage], model: ScriptedModel) -> AgentTools:
    return AgentTools(StubIndex(fused), [record("a")], Reranker(model))


def test_the_questions_search_cites_in_the_reranked_order() -> None:
    fused = [named(f"cat sat on mat number {i}", i) for i in range(12)]
    model = ScriptedModel({fused[1].text: 8.0, fused[2].text: 5.0})
    search = _tools(fused, model).gated_search("Where did the cat sit on the mat?")
    order = [p.chunk_index for _, p in search.hits]
    # 1 is 2nd and 1st; 0 (1st and 3rd) edges out 2 (3rd and 2nd): both rankings count.
    assert order[:4] == [1, 0, 2, 3]
    assert sorted(order) == list(range(RERANK_DEPTH))  # the same ten passages, reordered
    assert [n for n, _ in search.hits] == list(range(1, RERANK_DEPTH + 1))
    assert search.evidence.found
    assert search.evidence.relevance == 8.0


def test_the_model_overrules_a_refusal_when_it_vouches_for_a_passage() -> None:
    # Lexically, no passage holds "eject" or "tray": the gate alone refuses.
    fused = [named("Press the button on the drive's front to open it.", 0), named("other", 1)]
    question = "How do I eject the tray?"
    lexical = AgentTools(StubIndex(fused), [record("a")]).gated_search(question)
    assert not lexical.evidence.found
    assert lexical.evidence.relevance is None

    vouched = _tools(fused, ScriptedModel({fused[0].text: RESCUE_LOGIT + 0.5}))
    assert vouched.gated_search(question).evidence.found

    doubtful = _tools(fused, ScriptedModel({fused[0].text: RESCUE_LOGIT - 0.5}))
    refused = doubtful.gated_search(question).evidence
    assert not refused.found
    assert refused.relevance == RESCUE_LOGIT - 0.5


def test_the_model_never_overrules_the_gates_answer_but_may_doubt_it() -> None:
    fused = [named("The cat sits on the mat all afternoon.", 0)]
    question = "Where did the cat sit on the mat?"
    search = _tools(fused, ScriptedModel({})).gated_search(question)
    assert search.evidence.found
    assert search.evidence.relevance == -10.0
    assert search.evidence.doubtful  # the model rates the passage irrelevant

    at_even_odds = ScriptedModel({fused[0].text: DOUBT_LOGIT})
    assert not _tools(fused, at_even_odds).gated_search(question).evidence.doubtful


def test_the_offline_answer_says_when_the_model_doubts_every_passage() -> None:
    fused = [named("The cat sits on the mat all afternoon.", 0)]
    question = "Where did the cat sit on the mat?"

    doubted = OfflineAnswerer().answer(question, _tools(fused, ScriptedModel({})))
    backed = OfflineAnswerer().answer(
        question, _tools(fused, ScriptedModel({fused[0].text: DOUBT_LOGIT}))
    )

    assert doubted.text.startswith(DOUBTFUL_INTRO)
    assert doubted.grounding is Grounding.DOUBTFUL
    assert doubted.quotes == backed.quotes  # the same quotes, said to be doubtful
    assert backed.text.startswith(ANSWER_INTRO)
    assert backed.grounding is Grounding.FOUND


def test_a_term_no_document_mentions_makes_an_answer_doubtful_unless_the_model_vouches() -> None:
    fused = [named("The cat sits on the mat all afternoon.", 0)]
    question = "Where did the cat sit on the mat in Lisbon?"  # no document says "Lisbon"

    without_model = AgentTools(StubIndex(fused), [record("a")]).gated_search(question).evidence
    assert without_model.found
    assert without_model.missing == ("lisbon",)
    assert without_model.doubtful

    relevant = _tools(fused, ScriptedModel({fused[0].text: RESCUE_LOGIT - 0.5}))
    assert relevant.gated_search(question).evidence.doubtful
    vouched = _tools(fused, ScriptedModel({fused[0].text: RESCUE_LOGIT}))
    assert not vouched.gated_search(question).evidence.doubtful
    # Without such a term, the lexical gate's answer stands undoubted.
    assert (
        not AgentTools(StubIndex(fused), [record("a")])
        .gated_search("Where did the cat sit on the mat?")
        .evidence.doubtful
    )


def test_the_models_own_searches_are_reranked_and_cut_to_what_it_asked_for() -> None:
    fused = [named(f"text {i}", i) for i in range(15)]
    model = ScriptedModel({"text 1": 3.0, "text 2": 2.0})
    tools = _tools(fused, model)
    found = json.loads(tools.call("search_documents", '{"query": "text", "top_k": 3}'))
    assert [p["chunk_index"] for p in found["passages"]] == [1, 0, 2]
    assert len(model.asked[0][1]) == RERANK_DEPTH  # the first ten are read, three returned
    deeper = tools.gated_search("text", top_k=12)
    # Past the reranked ten, the fused order continues.
    assert [p.chunk_index for _, p in deeper.hits][-2:] == [10, 11]


def test_a_search_that_finds_nothing_asks_the_model_nothing() -> None:
    model = ScriptedModel({})
    tools = AgentTools(StubIndex([]), [record("a")], Reranker(model))
    assert tools.search("anything") == []
    search = tools.gated_search("anything at all?")
    assert search.hits == []
    assert not search.evidence.found
    assert search.evidence.relevance is None
    assert model.asked == []
