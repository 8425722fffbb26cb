"""The ingest worker through `handlers.ingest.lambda_handler` with SQS batches of S3 events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pytest

from handlers import ingest
from handlers.core.contracts.layout import MAX_RECEIVE_COUNT, derived_prefix, passages_key
from handlers.core.derived import FORMAT_VERSION
from handlers.core.documents.files import DocumentFiles
from handlers.core.ingest.chunking import OVERLAP_WORDS, PASSAGE_WORDS
from handlers.core.ingest.service import NOT_CONFIGURED_REASON, RETRIES_EXHAUSTED_REASON
from handlers.core.llm.errors import LlmNotConfiguredError, LlmUnavailableError
from tests.handlers import samples
from tests.handlers.conftest import MAX_UPLOAD_BYTES
from tests.support.aws import BUCKET
from tests.support.derived_files import read_embeddings, read_stored_text
from tests.support.events import USER_A, USER_B, s3_notification, sqs_event


@dataclass
class Uploaded:
    user_id: str
    document_id: str
    key: str
    size: int


@pytest.fixture
def upload(call_api, s3_client):
    """Create a document through the API and put its file where the form would."""

    def create(
        name: str, content_type: str, data: bytes, *, user: str = USER_A, size: int | None = None
    ) -> Uploaded:
        declared = size if size is not None else max(len(data), 1)
        result = call_api(
            "POST",
            "/documents",
            body={
                "name": name,
                "contentType": content_type,
                "size": min(declared, MAX_UPLOAD_BYTES),
            },
            user=user,
        )
        assert result.status == 201, result.body
        key = result.body["upload"]["fields"]["key"]
        s3_client.put_object(Bucket=BUCKET, Key=key, Body=data, ContentType=content_type)
        return Uploaded(user, result.body["document"]["documentId"], key, declared)

    return create


@pytest.fixture
def deliver(aws, lambda_context):
    """Run the worker over one SQS batch with one S3 notification per upload."""

    def run(*uploads: Uploaded, receive_count: int = 1) -> dict[str, Any]:
        bodies = [json.dumps({"Records": [s3_notification(u.key, u.size)]}) for u in uploads]
        return ingest.lambda_handler(sqs_event(bodies, receive_count), cast(Any, lambda_context))

    return run


@pytest.fixture
def document(call_api):
    def get(item: Uploaded) -> dict[str, Any]:
        result = call_api("GET", f"/documents/{item.document_id}", user=item.user_id)
        assert result.status == 200
        return cast(dict[str, Any], result.body["document"])

    return get


def texts(files, item) -> list[str]:
    """The passages' text, in order."""
    return [p.text for p in read_stored_text(files, item.user_id, item.document_id).passages]


@pytest.fixture
def files(aws):
    import boto3

    return DocumentFiles(boto3.client("s3", region_name="us-east-1"), BUCKET)


# --- good documents ------------------------------------------------------------------------


def test_multi_page_pdf_keeps_page_numbers(upload, deliver, document, files):
    # Given a 6-page PDF whose words name their page, 3,000 words in all
    item = upload("handbook.pdf", samples.PDF, samples.text_pdf(pages=6, words_per_page=500))

    # When the worker processes the upload
    response = deliver(item)

    # Then the document is READY with its counts
    assert response == {"batchItemFailures": []}
    doc = document(item)
    assert doc["status"] == "READY"
    assert doc["failureReason"] is None
    assert doc["pages"] == 6
    assert doc["characters"] > 6 * 500 * 6
    # And every passage lies on one page, whose number and text offsets it carries
    stored = read_stored_text(files, item.user_id, item.document_id)
    assert doc["chunks"] == len(stored.passages)
    assert [part.page for part in stored.parts] == [1, 2, 3, 4, 5, 6]
    for passage in stored.passages:
        pages = {int(word[1 : word.index("w")]) for word in passage.text.split()}
        assert pages == {passage.page} == {passage.part}
        assert passage.part is not None
        part = stored.parts[passage.part - 1]
        assert part.text[passage.start : passage.end] == passage.text
        assert len(passage.text.split()) <= PASSAGE_WORDS
    # 500 words a page: two passages each, overlapping inside the page only
    assert [p.chunk_index for p in stored.passages] == list(range(12))
    first, second, third = stored.passages[:3]
    assert first.text.startswith("p1w0000")
    assert second.text.endswith("p1w0499")
    assert first.text.split()[-OVERLAP_WORDS:] == second.text.split()[:OVERLAP_WORDS]
    assert third.text.startswith("p2w0000")
    assert stored.passages[-1].text.endswith("p6w0499")


def test_embeddings_are_stored_row_aligned_with_their_model(upload, deliver, files, table):
    item = upload("handbook.pdf", samples.PDF, samples.text_pdf(pages=3))

    deliver(item)

    matrix = read_embeddings(files, item.user_id, item.document_id)
    assert matrix.dtype == np.float32
    assert matrix.shape == (len(texts(files, item)), 64)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    stored = table.scan()["Items"][0]
    assert stored["embeddingModel"] == "offline-hash-v1"
    assert int(stored["embeddingDimensions"]) == 64
    assert int(stored["derivedFormat"]) == FORMAT_VERSION


def test_docx_pages_follow_page_breaks(upload, deliver, document, files):
    item = upload(
        "minutes.docx",
        samples.DOCX,
        samples.docx_bytes([["firstpage opening words"], ["secondpage closing words"]]),
    )

    deliver(item)

    doc = document(item)
    assert (doc["status"], doc["pages"], doc["chunks"]) == ("READY", 2, 2)
    first, second = read_stored_text(files, item.user_id, item.document_id).passages
    assert first.text == "firstpage opening words"
    assert (first.page, second.page) == (1, 2)
    assert "secondpage closing words" in second.text
    assert "tablecellleft" in second.text  # the table is on the last page
    assert "tablecellright" in second.text


def test_html_keeps_visible_text_only(upload, deliver, document, files):
    item = upload("guide.html", samples.HTML, samples.html_bytes())

    deliver(item)

    assert document(item)["status"] == "READY"
    text = "\n".join(texts(files, item))
    assert "The museum opens at nine." in text
    assert "Bring water" in text
    assert "scriptcontent" not in text
    assert "color: red" not in text


def test_markdown_is_read_as_text(upload, deliver, document, files):
    item = upload("notes.md", samples.MARKDOWN, samples.MARKDOWN_TEXT.encode())

    deliver(item)

    assert document(item)["status"] == "READY"
    text = "\n".join(texts(files, item))
    assert "# Release notes" in text
    assert "Fixed `upload` bug" in text


def test_non_latin_utf8_text_survives_intact(upload, deliver, document, files):
    item = upload("多言語 notes+v2.txt", samples.TEXT, samples.NON_LATIN_TEXT.encode("utf-8"))

    deliver(item)

    doc = document(item)
    assert doc["status"] == "READY"
    assert doc["characters"] == len(samples.NON_LATIN_TEXT.strip())
    assert texts(files, item) == [samples.NON_LATIN_TEXT.strip()]


# --- the bad-input corpus ------------------------------------------------------------------

BAD_INPUTS: list[tuple[str, str, Any, str]] = [
    # (name, content type, bytes or a factory, words the failure reason must contain)
    ("empty.pdf", samples.PDF, b"", "empty"),
    ("truncated.pdf", samples.PDF, lambda: samples.text_pdf(3)[:1500], "damaged"),
    ("locked.pdf", samples.PDF, samples.encrypted_pdf, "password"),
    ("scan.pdf", samples.PDF, samples.image_only_pdf, "No text"),
    ("setup.pdf", samples.PDF, samples.EXECUTABLE, "not a PDF"),
    ("photo.txt", samples.TEXT, samples.PNG, "image"),
    ("archive.docx", samples.DOCX, lambda: samples.docx_zip_bomb(300), "expands"),
    ("fake.docx", samples.DOCX, b"PK\x03\x04 not really a zip", "not a Word document"),
    ("blank.md", samples.MARKDOWN, b"   \n\n\t  \n", "No text"),
]


@pytest.mark.parametrize(
    ("name", "content_type", "data", "reason"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_fails_with_a_readable_reason(
    upload, deliver, document, files, name, content_type, data, reason
):
    body = data() if callable(data) else data
    item = upload(name, content_type, body)

    response = deliver(item)

    # Acknowledged (never retried), FAILED with a reason, and no derived files
    assert response == {"batchItemFailures": []}
    doc = document(item)
    assert doc["status"] == "FAILED"
    assert reason.lower() in doc["failureReason"].lower()
    assert doc["chunks"] is None
    assert files.size_of(passages_key(item.user_id, item.document_id)) is None


def test_huge_declared_size_fails_before_reading(upload, deliver, document, files, monkeypatch):
    # Given a notification that declares a 10 GB object
    item = upload("huge.pdf", samples.PDF, samples.text_pdf(1))
    item.size = 10 * 1024**3

    def must_not_read(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("read a file that is too large")

    monkeypatch.setattr(DocumentFiles, "read", must_not_read)

    # When it is processed
    response = deliver(item)

    # Then it fails as too large without a byte being read
    assert response == {"batchItemFailures": []}
    doc = document(item)
    assert doc["status"] == "FAILED"
    assert "larger than" in doc["failureReason"]


def test_stored_object_over_the_limit_fails(upload, deliver, document):
    # The upload policy caps the size; this checks the worker does not rely on it alone.
    item = upload("big.txt", samples.TEXT, b"a " * (MAX_UPLOAD_BYTES // 2 + 1))
    item.size = 100  # the event understates it

    deliver(item)

    doc = document(item)
    assert doc["status"] == "FAILED"
    assert "larger than" in doc["failureReason"]


def test_a_batch_of_good_and_bad_files_loses_nothing(upload, deliver, document):
    # Given every kind of input in one batch
    items = [
        upload("good.pdf", samples.PDF, samples.text_pdf(2)),
        upload("good.md", samples.MARKDOWN, samples.MARKDOWN_TEXT.encode()),
    ]
    for name, content_type, data, _ in BAD_INPUTS:
        if name != "archive.docx":
            items.append(upload(name, content_type, data() if callable(data) else data))

    # When the worker processes the batch
    response = deliver(*items)

    # Then no record is retried and every document ends READY or FAILED
    assert response == {"batchItemFailures": []}
    statuses = [document(item)["status"] for item in items]
    assert statuses[:2] == ["READY", "READY"]
    assert set(statuses[2:]) == {"FAILED"}


# --- duplicates, deletes, transient failures ---------------------------------------------


def test_duplicate_delivery_does_nothing_twice(upload, deliver, document, s3_client):
    item = upload("handbook.pdf", samples.PDF, samples.text_pdf(2))
    deliver(item)
    first = document(item)
    versions_before = s3_client.list_object_versions(
        Bucket=BUCKET, Prefix=derived_prefix(item.user_id, item.document_id)
    )["Versions"]

    response = deliver(item)

    assert response == {"batchItemFailures": []}
    assert document(item) == first
    versions_after = s3_client.list_object_versions(
        Bucket=BUCKET, Prefix=derived_prefix(item.user_id, item.document_id)
    )["Versions"]
    # passages.json, embeddings.npy and bm25.npz, each written once
    assert len(versions_after) == len(versions_before) == 3


def test_duplicate_delivery_of_a_failed_document_keeps_its_reason(upload, deliver, document):
    item = upload("locked.pdf", samples.PDF, samples.encrypted_pdf())
    deliver(item)
    first = document(item)

    deliver(item)

    assert document(item) == first


def test_upload_of_a_deleted_document_is_ignored_and_removed(
    upload, deliver, call_api, s3_client, table
):
    # Given a document deleted before its upload's notification is processed
    item = upload("late.pdf", samples.PDF, samples.text_pdf(1))
    assert call_api("DELETE", f"/documents/{item.document_id}").status == 204
    s3_client.put_object(Bucket=BUCKET, Key=item.key, Body=samples.text_pdf(1))

    response = deliver(item)

    # Then it is acknowledged, nothing is recreated and the late upload is gone
    assert response == {"batchItemFailures": []}
    assert table.scan()["Items"] == []
    listed = s3_client.list_object_versions(Bucket=BUCKET)
    assert listed.get("Versions", []) == []


def test_transient_failure_is_retried_and_then_succeeds(upload, deliver, document, monkeypatch):
    # Given the embedding provider is down and a batch with one good other document
    down = upload("first.txt", samples.TEXT, b"alpha beta gamma")
    other = upload("second.md", samples.MARKDOWN, b"# other")
    calls = {"n": 0}
    real_context = ingest.ingest_context()
    real_embedder = real_context.embedder()

    class FlakyEmbedder:
        model_id = real_embedder.model_id
        dimensions = real_embedder.dimensions

        def embed(self, texts: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 1:
                raise LlmUnavailableError("The language model is unavailable.")
            return real_embedder.embed(texts)

    monkeypatch.setattr(real_context, "_embedder", FlakyEmbedder())

    # When the batch is processed
    response = deliver(down, other)

    # Then only the failed record is reported for retry, and its document stays PENDING
    assert response == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}
    assert document(down)["status"] == "PENDING"
    assert document(other)["status"] == "READY"

    # And the next delivery succeeds
    assert deliver(down, receive_count=2) == {"batchItemFailures": []}
    assert document(down)["status"] == "READY"


def test_throttled_storage_is_retried(upload, deliver, document, monkeypatch):
    from botocore.exceptions import ClientError

    item = upload("notes.txt", samples.TEXT, b"hello there")

    def throttled(*args: Any, **kwargs: Any) -> bytes:
        raise ClientError(
            {"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate."}},
            "GetObject",
        )

    monkeypatch.setattr(DocumentFiles, "read", throttled)

    response = deliver(item)

    assert response == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}
    assert document(item)["status"] == "PENDING"


def test_last_failed_delivery_tells_the_user(upload, deliver, document, monkeypatch):
    item = upload("notes.txt", samples.TEXT, b"hello there")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise LlmUnavailableError("The language model is unavailable.")

    monkeypatch.setattr(ingest.ingest_context(), "embedder_factory", broken)

    response = deliver(item, receive_count=MAX_RECEIVE_COUNT)

    # Still reported, so the message lands in the DLQ for an operator; the user sees why
    assert response == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}
    doc = document(item)
    assert doc["status"] == "FAILED"
    assert doc["failureReason"] == RETRIES_EXHAUSTED_REASON


def test_messages_that_are_not_uploads_are_acknowledged(aws, lambda_context, table):
    event = sqs_event(
        [
            "not json",
            json.dumps({"Event": "s3:TestEvent", "Bucket": BUCKET}),
            json.dumps({"Records": [s3_notification("derived/u/d/chunks.json", 10)]}),
            json.dumps({"Records": [s3_notification("raw/u/01ARZ3NDEKTSV4RRFFQ69G5FAV/x", 1)]}),
            json.dumps({"Records": [s3_notification("raw/u/d/x.pdf", 1, bucket="other")]}),
        ]
    )

    response = ingest.lambda_handler(event, cast(Any, lambda_context))

    assert response == {"batchItemFailures": []}
    assert table.scan()["Items"] == []


def test_another_users_key_cannot_reach_a_document(upload, deliver, document):
    # A key under user B's prefix naming user A's document id finds no item (B's partition)
    item = upload("mine.txt", samples.TEXT, b"private words")
    forged = Uploaded(USER_B, item.document_id, f"raw/{USER_B}/{item.document_id}/mine.txt", 13)

    assert deliver(forged) == {"batchItemFailures": []}
    assert document(item)["status"] == "PENDING"


def test_metrics_are_emitted(upload, deliver, capsys):
    good = upload("good.txt", samples.TEXT, b"some words")
    bad = upload("bad.pdf", samples.PDF, samples.EXECUTABLE)

    capsys.readouterr()  # the API's own metrics for the two uploads

    deliver(good, bad)

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert len(lines) == 1
    metrics = lines[0]
    assert metrics["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "DocAgentTest"
    assert metrics["DocumentsReady"] == [1.0]
    assert metrics["DocumentsFailed"] == [1.0]
    assert metrics["DocumentsFailed_type_mismatch"] == [1.0]


def test_document_deleted_during_ingestion_leaves_no_derived_files(
    upload, deliver, call_api, s3_client, monkeypatch
):
    # Given the user deletes the document while the worker is embedding it
    item = upload("race.txt", samples.TEXT, b"words to embed")
    context = ingest.ingest_context()
    real_embedder = context.embedder()

    class DeletingEmbedder:
        model_id = real_embedder.model_id
        dimensions = real_embedder.dimensions

        def embed(self, texts: Any) -> Any:
            assert call_api("DELETE", f"/documents/{item.document_id}").status == 204
            return real_embedder.embed(texts)

    monkeypatch.setattr(context, "_embedder", DeletingEmbedder())

    # When the worker finishes
    response = deliver(item)

    # Then nothing is resurrected: no item, no derived files
    assert response == {"batchItemFailures": []}
    assert call_api("GET", f"/documents/{item.document_id}").status == 404
    prefix = derived_prefix(item.user_id, item.document_id)
    assert s3_client.list_object_versions(Bucket=BUCKET, Prefix=prefix).get("Versions", []) == []


def test_last_failed_delivery_without_a_model_key_says_so(upload, deliver, document, monkeypatch):
    # Given the openai provider is selected but its key was never set
    item = upload("notes.txt", samples.TEXT, b"hello there")

    def not_configured(*args: Any, **kwargs: Any) -> Any:
        raise LlmNotConfiguredError("The language model is not configured.")

    monkeypatch.setattr(ingest.ingest_context(), "embedder_factory", not_configured)

    # When the last delivery fails too
    response = deliver(item, receive_count=MAX_RECEIVE_COUNT)

    # Then the user is told what is missing, not that "a service kept failing"
    assert response == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}
    doc = document(item)
    assert doc["status"] == "FAILED"
    assert doc["failureReason"] == NOT_CONFIGURED_REASON
