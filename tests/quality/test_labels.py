"""The labelled set is sound: its shape meets the benchmark's brief and every label points
at the page or section that holds its fact, in the pinned documents."""

from __future__ import annotations

from benchmarks.quality.label_check import label_problems, pdf_page_texts
from benchmarks.quality.labels import load_set
from benchmarks.quality.run import fetch_all


def test_the_set_has_enough_documents_formats_pages_and_questions() -> None:
    # Given the full labelled set
    labelled = load_set()
    # Then it has ≥ 6 documents in ≥ 2 formats, ≥ 150 PDF pages,
    # ≥ 40 answerable questions and ≥ 8 the documents cannot answer
    assert len(labelled.documents) >= 6
    assert {spec.format for spec in labelled.documents.values()} >= {"pdf", "html"}
    assert sum(spec.pages or 0 for spec in labelled.documents.values()) >= 150
    assert sum(q.answerable for q in labelled.questions) >= 40
    assert sum(not q.answerable for q in labelled.questions) >= 8


def test_every_fact_is_on_its_labelled_page_or_section() -> None:
    # Given the pinned documents (downloaded on first use)
    labelled = load_set()
    files = fetch_all(labelled)
    # Then each declared page count is the PDF's, and each fact is where its label says
    for key, spec in labelled.documents.items():
        if spec.format == "pdf":
            assert len(pdf_page_texts(files[key])) == spec.pages, key
    assert label_problems(labelled, files) == []
