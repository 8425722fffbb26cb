"""The cited page is the page the fact is on: facts placed on known pages of an eight-page
PDF — in the middle of a page, its very first line and its very last — are each cited
(first) with exactly their page, and the cited page's text holds the quote at the
citation's offsets, as the site's citation view shows it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e import documents
from tests.e2e.conftest import PDF_CONTENT_TYPE, User, new_user, upload_document

PAGES = 8
# (page, where on the page, the fact, a question a user would ask, what the answer holds)
FACTS = [
    (3, "middle", "The code of the red locker is 4482.", "What is the red locker's code?", "4482"),
    (
        5,
        "top",
        "The ferry to Tarnholm leaves at 06:40.",
        "When does the Tarnholm ferry leave?",
        "06:40",
    ),
    (6, "bottom", "The spare key hangs behind the boiler.", "Where is the spare key?", "boiler"),
    (8, "bottom", "Our auditor is named Philippa Quense.", "Who is our auditor?", "Quense"),
]


def page_text(page: int) -> str:
    for number, where, fact, _, _ in FACTS:
        if number == page:
            if where == "top":
                return f"{fact} {documents.filler(1000, seed=page)}"
            if where == "bottom":
                return f"{documents.filler(1000, seed=page)} {fact}"
            return documents.long_page(fact, seed=page)
    return documents.filler(1000, seed=page)


@pytest.fixture(scope="module")
def carol(stack: dict[str, Any]) -> User:
    return new_user(stack)


@pytest.fixture(scope="module")
def ledger(carol: User) -> dict[str, Any]:
    content = documents.pdf([page_text(page) for page in range(1, PAGES + 1)])
    document_id = upload_document(carol, "ledger.pdf", content, PDF_CONTENT_TYPE)
    document = carol.api.wait_for_status(document_id)
    assert document["status"] == "READY", document
    assert document["pages"] == PAGES
    return document


@pytest.mark.parametrize(("page", "where", "fact", "question", "answer"), FACTS)
def test_the_first_citation_is_the_exact_page_of_the_fact(
    carol: User,
    ledger: dict[str, Any],
    page: int,
    where: str,
    fact: str,
    question: str,
    answer: str,
) -> None:
    # Given Carol's eight-page PDF with a fact at the `where` of page `page`
    conversation = carol.api.post("/conversations", {"documentIds": [ledger["documentId"]]})
    path = f"/conversations/{conversation.json['conversationId']}/messages"

    # When she asks about it
    reply = carol.api.post(path, {"question": question})

    # Then the first citation is that page, and its quote holds the fact
    assert reply.status == 200, reply.body
    citations = reply.json["citations"]
    assert citations, reply.json
    first = citations[0]
    assert (first["page"], first["part"]) == (page, page), (where, citations)
    assert answer in first["excerpt"]
    assert answer in reply.json["answer"]

    # And opening the citation shows that page with the quote exactly at its offsets
    opened = carol.api.get(f"/documents/{ledger['documentId']}/parts/{first['part']}")
    assert opened.status == 200, opened.body
    assert opened.json["page"] == page
    assert opened.json["text"][first["start"] : first["end"]] == first["excerpt"]
    assert fact in opened.json["text"].replace("\n", " ")
