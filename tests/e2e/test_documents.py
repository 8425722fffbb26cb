"""Documents end to end: presigned upload to S3, the queue, the worker, the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.e2e.client import http
from tests.e2e.conftest import PDF_CONTENT_TYPE, User, upload_document


def test_an_uploaded_pdf_and_docx_become_ready(library: dict[str, dict[str, Any]]):
    # Given Alice's PDF (three pages) and DOCX, uploaded through presigned POSTs
    pdf, docx = library["pdf"], library["docx"]

    # Then the worker has read both
    assert pdf["status"] == "READY", pdf["failureReason"]
    assert pdf["pages"] == 3
    assert pdf["chunks"] >= 1
    assert pdf["characters"] > 5000
    assert pdf["failureReason"] is None
    assert docx["status"] == "READY", docx["failureReason"]
    assert docx["chunks"] >= 1


def test_documents_are_listed_newest_first(alice: User, library: dict[str, dict[str, Any]]):
    reply = alice.api.get("/documents")

    assert reply.status == 200
    ids = [item["documentId"] for item in reply.json["items"]]
    assert ids.index(library["docx"]["documentId"]) < ids.index(library["pdf"]["documentId"])


def test_a_ready_document_can_be_downloaded(alice: User, library: dict[str, dict[str, Any]]):
    # When Alice opens her PDF
    reply = alice.api.get(f"/documents/{library['pdf']['documentId']}")

    # Then its download URL serves exactly the bytes she uploaded
    assert reply.status == 200
    assert reply.json["document"]["name"] == "vault-manual.pdf"
    download = http("GET", reply.json["downloadUrl"])
    assert download.status == 200
    assert download.body == library["pdf"]["content"]


def test_a_file_that_is_not_a_pdf_fails_with_a_reason(alice: User):
    # Given a "PDF" that is really text
    document_id = upload_document(
        alice, "fake.pdf", b"this is not a PDF at all, just text", PDF_CONTENT_TYPE
    )

    # When the worker has looked at it
    document = alice.api.wait_for_status(document_id)

    # Then it failed, and says why in words a user can read
    assert document["status"] == "FAILED"
    assert document["failureReason"]
    assert alice.api.get(f"/documents/{document_id}").json["downloadUrl"] is None


def test_a_deleted_document_is_gone(alice: User):
    # Given a ready text document
    document_id = upload_document(alice, "note.txt", b"A short note about nothing.", "text/plain")
    assert alice.api.wait_for_status(document_id)["status"] == "READY"

    # When Alice deletes it
    deleted = alice.api.delete(f"/documents/{document_id}")

    # Then it is not found and not listed
    assert deleted.status == 204
    assert alice.api.get(f"/documents/{document_id}").status == 404
    listed = [item["documentId"] for item in alice.api.get("/documents").json["items"]]
    assert document_id not in listed
    # And deleting it again is a 404: the document is no longer there
    assert alice.api.delete(f"/documents/{document_id}").status == 404
    assert alice.api.get(f"/documents/{document_id}").status == 404


def test_the_list_pages_with_a_cursor(alice: User, library: dict[str, dict[str, Any]]):
    first = alice.api.get("/documents?limit=1")

    assert first.status == 200
    assert len(first.json["items"]) == 1
    assert first.json["nextCursor"]
    second = alice.api.get(f"/documents?limit=1&cursor={quote(first.json['nextCursor'])}")
    assert second.status == 200
    assert second.json["items"][0]["documentId"] != first.json["items"][0]["documentId"]
