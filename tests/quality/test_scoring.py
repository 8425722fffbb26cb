"""Scoring reads citations by their public fields: PDF pages, HTML sections by name or by
where the excerpt lies, refusals as answers without citations, facts loosely compared."""

from __future__ import annotations

from benchmarks.quality.answers import Answer, CitationView
from benchmarks.quality.html_sections import HtmlSections
from benchmarks.quality.labels import DocumentSpec, Question
from benchmarks.quality.scoring import LoadedDocument, Scorer, summarise

HTML = b"""<html><head><title>t</title><style>h1{}</style></head><body>
<h1>1. Guide</h1><p>Welcome to the guide.</p>
<h2>1.1. Installing &para;</h2><p>Run the installer and accept the licence terms.</p>
<h2>1.2. Configuring</h2><p>Set the colour option in the settings file to pick a theme.</p>
<h2>1.3. Removing</h2><p>Delete the program folder to remove everything.</p>
</body></html>"""


def _spec(key: str, fmt: str) -> DocumentSpec:
    return DocumentSpec(key, key, fmt, "pkg", "1", "p", "0" * 64, "MIT", "tune")  # type: ignore[arg-type]


def _scorer() -> Scorer:
    documents = [
        LoadedDocument(_spec("manual", "pdf"), "pdf-id", None),
        LoadedDocument(_spec("guide", "html"), "html-id", HtmlSections(HTML)),
    ]
    return Scorer(documents, [HTML_QUESTION, PDF_QUESTION])


HTML_QUESTION = Question(
    "colour", "How do I pick a theme?", "guide", section="Configuring", facts=("colour option",)
)
PDF_QUESTION = Question("p6", "Where is it?", "manual", pages=(6,), facts=("the fact",))


def _answer(*citations: CitationView, text: str = "An answer.") -> Answer:
    return Answer(text=text, citations=list(citations), seconds=0.01)


def _cite(
    document_id: str, *, page: int | None = None, section: str | None = None, excerpt: str = ""
) -> CitationView:
    return CitationView(document_id, page, section, excerpt)


def test_a_pdf_citation_counts_on_its_page_and_next_to_it() -> None:
    scorer = _scorer()
    exact = scorer.score(PDF_QUESTION, _answer(_cite("pdf-id", page=6)))
    neighbour = scorer.score(PDF_QUESTION, _answer(_cite("pdf-id", page=7)))
    far = scorer.score(PDF_QUESTION, _answer(_cite("pdf-id", page=9)))
    assert (exact.top1, exact.top3, exact.near) == (True, True, True)
    assert (neighbour.top1, neighbour.top3, neighbour.near) == (False, False, True)
    assert (far.top3, far.near) == (False, False)


def test_only_the_first_three_citations_count_and_top1_is_the_first() -> None:
    scorer = _scorer()
    third = scorer.score(PDF_QUESTION, _answer(*[_cite("pdf-id", page=p) for p in (1, 2, 6)]))
    fourth = scorer.score(PDF_QUESTION, _answer(*[_cite("pdf-id", page=p) for p in (1, 2, 3, 6)]))
    assert (third.top1, third.top3) == (False, True)
    assert fourth.top3 is False


def test_a_citation_of_another_document_misses_even_on_the_right_page() -> None:
    outcome = _scorer().score(PDF_QUESTION, _answer(_cite("html-id", page=6)))
    assert outcome.near is False


def test_an_html_citation_is_placed_by_its_section_path() -> None:
    scorer = _scorer()
    named = scorer.score(
        HTML_QUESTION, _answer(_cite("html-id", section="Guide \u203a Configuring"))
    )
    beside = scorer.score(HTML_QUESTION, _answer(_cite("html-id", section="Guide \u203a Removing")))
    assert (named.top1, named.near) == (True, True)
    assert (beside.top1, beside.near) == (False, True)


def test_an_html_citation_without_a_section_is_placed_by_its_excerpt() -> None:
    scorer = _scorer()
    inside = _cite("html-id", page=1, excerpt="Set the  colour option in the\nsettings file…")
    elsewhere = _cite("html-id", page=1, excerpt="Welcome to the guide.")
    unknown = _cite("html-id", page=1, excerpt="Text that is nowhere in the document.")
    assert scorer.score(HTML_QUESTION, _answer(inside)).top1 is True
    assert scorer.score(HTML_QUESTION, _answer(elsewhere)).top3 is False
    assert scorer.score(HTML_QUESTION, _answer(unknown)).near is False


def test_the_fact_is_found_loosely_and_refusals_are_answers_without_citations() -> None:
    scorer = _scorer()
    found = scorer.score(HTML_QUESTION, _answer(text="Use the COLOUR\n  option [1]."))
    ligature = scorer.score(
        Question("f", "q", "manual", pages=(1,), facts=("file",)), _answer(text="the ﬁle")
    )
    missing = scorer.score(HTML_QUESTION, _answer(text="Set a theme."))
    assert found.fact is True
    assert ligature.fact is True
    assert missing.fact is False
    assert found.refused is True


def test_the_summary_separates_answerable_and_unanswerable_questions() -> None:
    scorer = _scorer()
    unanswerable = Question("none", "What is the capital of Mars?")
    outcomes = [
        scorer.score(PDF_QUESTION, _answer(_cite("pdf-id", page=6), text="the fact")),
        scorer.score(HTML_QUESTION, _answer()),  # a false refusal
        scorer.score(unanswerable, _answer()),  # a correct refusal
        scorer.score(unanswerable, _answer(_cite("pdf-id", page=2))),  # answered anyway
    ]
    summary = summarise(outcomes)
    assert (summary.answerable, summary.unanswerable) == (2, 2)
    assert (summary.top3, summary.fact) == (0.5, 0.5)
    assert (summary.false_refusals, summary.correct_refusals) == (0.5, 0.5)
    assert summary.p95_ms >= summary.p50_ms > 0
