"""Citations point at the exact quoted span of the cited part: part_text[start:end] == excerpt."""

from __future__ import annotations

from handlers.core.conversations.citations import EXCERPT_CHARS, citation_for
from handlers.core.derived.passage import Passage
from handlers.core.llm.quotes import locate

PART_TEXT = (
    "Safety first.\n\nTo reset the router, hold the\nrecessed button for ten seconds. "
    "The light blinks amber.\n" + "More words follow here. " * 60
)
START = PART_TEXT.index("To reset")


def passage(**overrides: object) -> Passage:
    values: dict[str, object] = {
        "document_id": "doc",
        "document_name": "manual.pdf",
        "chunk_index": 3,
        "page": 7,
        "text": PART_TEXT[START:],
        "score": 0.5,
        "part": 7,
        "page_label": "vii",
        "start": START,
        "end": len(PART_TEXT),
    }
    values.update(overrides)
    return Passage(**values)  # type: ignore[arg-type]


def test_a_reflowed_quote_points_at_its_exact_span_in_the_part() -> None:
    cited = passage()
    citation = citation_for(cited, locate(cited.text, "hold the recessed button for ten seconds."))

    assert citation.excerpt == "hold the\nrecessed button for ten seconds."
    assert citation.start is not None
    assert citation.end is not None
    assert PART_TEXT[citation.start : citation.end] == citation.excerpt
    assert (citation.part, citation.page, citation.page_label) == (7, 7, "vii")


def test_without_a_quote_the_excerpt_is_the_passage_start_cut_at_a_word() -> None:
    citation = citation_for(passage())

    assert citation.start == START
    assert citation.end is not None
    assert PART_TEXT[citation.start : citation.end] == citation.excerpt
    assert citation.excerpt.startswith("To reset the router")
    assert len(citation.excerpt) <= EXCERPT_CHARS
    assert PART_TEXT[citation.end].isspace()  # cut between words


def test_a_quote_not_in_the_passage_falls_back_to_its_start() -> None:
    cited = passage()
    citation = citation_for(cited, locate(cited.text, "the router explodes"))

    assert citation.start == START


def test_format_1_passages_cite_the_excerpt_alone() -> None:
    citation = citation_for(passage(part=None, start=None, end=None, page_label=None))

    assert (citation.part, citation.start, citation.end) == (None, None, None)
    assert citation.page == 7
    assert "\n" not in citation.excerpt
