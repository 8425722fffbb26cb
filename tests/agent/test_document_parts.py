"""`GET /documents/{documentId}/parts/{part}`: the page or section a citation points into."""

from __future__ import annotations

from handlers.core.documents.models import DocumentStatus
from tests.agent.conftest import CallAgent, Library
from tests.support.conversations import ask
from tests.support.events import USER_A, USER_B

MANUAL = [
    (1, "Welcome to the router. Unpack the box first."),
    (2, "To reset the router, hold the recessed button for ten seconds."),
    (3, "The warranty lasts two years from the date of purchase."),
]


def test_the_owner_reads_a_part_and_the_citation_offsets_point_into_it(
    call_agent: CallAgent, library: Library
) -> None:
    # Given Alice's three-page manual
    document_id = library.add(USER_A, "manual.pdf", MANUAL)

    # When she asks a question and opens the citation's part
    answer, _ = ask(call_agent, "How do I reset the router?")
    citation = answer.body["citations"][0]
    result = call_agent("GET", f"/documents/{document_id}/parts/{citation['part']}")

    # Then it is the page the fact is on, and the quote is exactly its text[start:end]
    assert result.status == 200, result.body
    assert citation["page"] == citation["part"] == 2
    part = result.body
    assert part == {
        "documentId": document_id,
        "part": 2,
        "page": 2,
        "pageLabel": None,
        "section": None,
        "text": MANUAL[1][1],
    }
    assert part["text"][citation["start"] : citation["end"]] == citation["excerpt"]


def test_parts_out_of_reach_are_404(call_agent: CallAgent, library: Library) -> None:
    mine = library.add(USER_A, "manual.pdf", MANUAL)
    theirs = library.add(USER_B, "secret.pdf", MANUAL)
    pending = library.add(USER_A, "later.pdf", MANUAL, status=DocumentStatus.PENDING)
    legacy = library.add(USER_A, "old.pdf", MANUAL, legacy=True)

    for path, code in [
        (f"/documents/{mine}/parts/4", "part_not_found"),
        (f"/documents/{theirs}/parts/1", "document_not_found"),
        (f"/documents/{pending}/parts/1", "document_not_found"),
        (f"/documents/{legacy}/parts/1", "part_not_found"),  # format 1: no parts
        ("/documents/not-an-id/parts/1", "document_not_found"),
    ]:
        result = call_agent("GET", path)
        assert (result.status, result.body["error"]["code"]) == (404, code), path
    # Bob cannot read Alice's part either, however he names it
    assert call_agent("GET", f"/documents/{mine}/parts/1", user=USER_B).status == 404


def test_a_part_number_must_be_a_positive_integer(call_agent: CallAgent, library: Library) -> None:
    document_id = library.add(USER_A, "manual.pdf", MANUAL)
    for bad in ("0", "-1", "two"):
        result = call_agent("GET", f"/documents/{document_id}/parts/{bad}")
        assert result.status in (400, 422), (bad, result.status)
