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


def test_every_question_is_reported_in_a_split_and_the_second_held_out_set_is_sound() -> None:
    # Given the full labelled set
    labelled = load_set()
    # Then the splits are the tuned-on, held-out and second held-out documents
    assert labelled.split_names() == ["tune", "held-out", "heldout-2"]
    # And an answerable question is in its document's split
    for q in labelled.questions:
        if q.document is not None:
            assert q.splits == (labelled.documents[q.document].split,), q.key
    # And the second held-out set has ≥ 30 answerable and ≥ 6 unanswerable questions,
    # in the formats the first set lacked (Markdown, plain text) and more PDF and HTML
    new = [q for q in labelled.questions if "heldout-2" in q.splits]
    assert sum(q.answerable for q in new) >= 30
    assert sum(not q.answerable for q in new) >= 6
    formats = {s.format for s in labelled.documents.values() if s.split == "heldout-2"}
    assert formats == {"pdf", "html", "md", "txt"}
    # And nothing of it is in the fast subset `make test` holds floors on
    assert not any(q.fast for q in new)


def test_a_split_alone_is_its_documents_and_the_questions_written_for_it() -> None:
    labelled = load_set()
    alone = labelled.in_splits(("heldout-2",))
    assert {spec.split for spec in alone.documents.values()} == {"heldout-2"}
    assert all("heldout-2" in q.splits for q in alone.questions)
    assert {q.document for q in alone.questions if q.answerable} <= set(alone.documents)
    original = labelled.in_splits(("tune", "held-out"))
    assert len(original.documents) == 7
    assert sum(q.answerable for q in original.questions) == 53
    assert sum(not q.answerable for q in original.questions) == 10
