"""Check the labels against the documents: each fact must be where its label says.

A PDF label names the 1-based page index (what a viewer shows as the page); its fact must be
on one of the labelled pages as pypdfium2 extracts them. An HTML, Markdown or text label
names a heading; its fact must be in that heading's section. Returns the problems, one line each.
"""

from __future__ import annotations

import pypdfium2 as pdfium

from benchmarks.quality.html_sections import Sections, normalise_for_match
from benchmarks.quality.labels import LabelledSet, Question
from benchmarks.quality.sections import document_sections


def pdf_page_texts(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def label_problems(labelled: LabelledSet, files: dict[str, bytes]) -> list[str]:
    pages = {
        key: pdf_page_texts(files[key])
        for key, spec in labelled.documents.items()
        if spec.format == "pdf"
    }
    sections: dict[str, Sections] = {}
    for key, spec in labelled.documents.items():
        found = document_sections(spec.format, files[key])
        if found is not None:
            sections[key] = found
    problems = []
    for question in labelled.questions:
        if question.document is None:
            continue
        if question.document in pages:
            texts = pages[question.document]
            bad = [p for p in question.pages if not 1 <= p <= len(texts)]
            if bad:
                problems.append(f"{question.key}: no page {bad} in {question.document}")
                continue
            where = " ".join(texts[p - 1] for p in question.pages)
        else:
            html = sections[question.document]
            index = html.index_of_heading(str(question.section))
            if index is None:
                problems.append(f"{question.key}: no heading {question.section!r}")
                continue
            where = html.sections[index].text
        if not _fact_in(question, normalise_for_match(where)):
            problems.append(f"{question.key}: none of {list(question.facts)} is where it says")
    return problems


def _fact_in(question: Question, text: str) -> bool:
    return any(normalise_for_match(fact) in text for fact in question.facts)
