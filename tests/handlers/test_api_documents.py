"""The documents routes through `handlers.api.lambda_handler` with REST proxy events."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests

from handlers.core.contracts.layout import chunks_key, embeddings_key, raw_key
from handlers.core.documents.table import DocumentTable
from tests.handlers.conftest import MAX_UPLOAD_BYTES
from tests.support.aws import BUCKET, ORIGIN, REGION, TABLE
from tests.support.events import USER_A, USER_B

PDF = "application/pdf"


def create(call_api: Any, name: str = "report.pdf", **overrides: Any) -> Any:
    body = {"name": name, "contentType": PDF, "size": 1234, **overrides}
    return call_api("POST", "/documents", body=body, user=overrides.pop("user", USER_A))


def decode_policy(fields: dict[str, str]) -> dict[str, Any]:
    policy: dict[str, Any] = json.loads(base64.b64decode(fields["policy"]))
    return policy


def mark_ready(user_id: str, document_id: str) -> None:
    table = DocumentTable(boto3.resource("dynamodb", region_name=REGION).Table(TABLE))
    assert table.mark_ready(
        user_id,
        document_id,
        pages=3,
        chunks=4,
        characters=5000,
        embedding_model="offline-hash-v1",
        embedding_dimensions=64,
        derived_format=2,
        now=datetime.now(UTC),
    )


def assert_error(result: Any, status: int, code: str) -> None:
    assert result.status == status
    assert set(result.body) == {"error"}
    assert result.body["error"]["code"] == code
    assert isinstance(result.body["error"]["message"], str)
    assert result.body["error"]["message"]


# --- POST /documents ---------------------------------------------------------------------


def test_create_returns_pending_document_and_presigned_post(call_api):
    # When the caller asks for an upload
    result = create(call_api, name="Q3 report.pdf")

    # Then a PENDING document and a presigned POST for its raw key come back
    assert result.status == 201
    document = result.body["document"]
    assert document["status"] == "PENDING"
    assert document["name"] == "Q3 report.pdf"
    assert document["size"] == 1234
    assert len(document["documentId"]) == 26
    assert document["failureReason"] is None
    upload = result.body["upload"]
    assert upload["fields"]["key"] == raw_key(USER_A, document["documentId"], "Q3 report.pdf")
    assert upload["fields"]["Content-Type"] == PDF
    assert datetime.fromisoformat(upload["expiresAt"]) > datetime.fromisoformat(
        document["createdAt"]
    )


def test_presigned_policy_pins_key_type_and_exact_size(call_api):
    result = create(call_api, size=1234)
    fields = result.body["upload"]["fields"]

    policy = decode_policy(fields)

    conditions = policy["conditions"]
    assert {"bucket": BUCKET} in conditions
    assert {"key": fields["key"]} in conditions
    assert {"Content-Type": PDF} in conditions
    # Exactly the declared size: a larger (or smaller) file is refused by S3.
    assert ["content-length-range", 1234, 1234] in conditions
    # No `starts-with` condition: nothing about the key or type is left open.
    assert not [c for c in conditions if isinstance(c, list) and c[0] == "starts-with"]
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 0 < (expires - datetime.now(UTC)).total_seconds() <= 900


def test_presigned_post_uploads_to_the_bucket(call_api, s3_client):
    # Given an upload form
    result = create(call_api, size=11)
    upload = result.body["upload"]

    # When the browser posts the file with the form fields
    response = requests.post(
        upload["url"],
        data=upload["fields"],
        files={"file": ("report.pdf", b"%PDF-1.7 hi", PDF)},
        timeout=10,
    )

    # Then the object lands at the pinned key with the pinned content type
    assert response.status_code in (200, 204)
    head = s3_client.head_object(Bucket=BUCKET, Key=upload["fields"]["key"])
    assert head["ContentLength"] == 11
    assert head["ContentType"] == PDF


def test_create_normalises_content_type_parameters(call_api):
    result = create(call_api, name="notes.md", contentType="Text/Markdown; charset=utf-8")

    assert result.status == 201
    assert result.body["document"]["contentType"] == "text/markdown"
    assert decode_policy(result.body["upload"]["fields"])["conditions"][0] == {
        "Content-Type": "text/markdown"
    }


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"contentType": "application/x-msdownload"}, 415, "unsupported_content_type"),
        ({"contentType": "image/png"}, 415, "unsupported_content_type"),
        ({"size": 0}, 400, "empty_file"),
        ({"size": -5}, 400, "empty_file"),
        ({"size": MAX_UPLOAD_BYTES + 1}, 413, "too_large"),
        ({"name": "../../etc/passwd"}, 400, "invalid_name"),
        ({"name": "dir/report.pdf"}, 400, "invalid_name"),
        ({"name": "dir\\report.pdf"}, 400, "invalid_name"),
        ({"name": "bell\x07.pdf"}, 400, "invalid_name"),
        ({"name": "line\nbreak.pdf"}, 400, "invalid_name"),
        ({"name": "zero\u200bwidth.pdf"}, 400, "invalid_name"),
        ({"name": ".."}, 400, "invalid_name"),
        # boto3 would turn the key pin into `starts-with` and S3 would substitute the name.
        ({"name": "report.pdf${filename}"}, 400, "invalid_name"),
        ({"name": "${filename}"}, 400, "invalid_name"),
        ({"name": "   "}, 400, "invalid_name"),
        ({"name": "x" * 256}, 400, "invalid_request"),
        ({"name": ""}, 400, "invalid_request"),
        ({"size": "big"}, 400, "invalid_request"),
    ],
)
def test_create_refuses_bad_requests_with_a_reason(call_api, table, overrides, status, code):
    result = create(call_api, **overrides)

    assert_error(result, status, code)
    # And nothing was stored
    assert table.scan()["Items"] == []


def test_create_accepts_the_maximum_size_and_non_latin_names(call_api):
    result = create(call_api, name="отчёт 報告.pdf", size=MAX_UPLOAD_BYTES)

    assert result.status == 201
    assert result.body["document"]["name"] == "отчёт 報告.pdf"


def test_create_refuses_missing_fields_and_bad_json(call_api):
    missing = call_api("POST", "/documents", body={"name": "a.pdf", "contentType": PDF})
    not_json = call_api("POST", "/documents", body="{not json")

    assert_error(missing, 400, "invalid_request")
    assert "size" in missing.body["error"]["message"]
    assert_error(not_json, 400, "invalid_request")


# --- GET /documents ------------------------------------------------------------------------


def test_list_is_newest_first_and_paginates_with_a_cursor(call_api):
    # Given five documents
    ids = [create(call_api, name=f"doc-{i}.pdf").body["document"]["documentId"] for i in range(5)]

    # When the caller pages through them two at a time
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": "2"} if cursor is None else {"limit": "2", "cursor": cursor}
        result = call_api("GET", "/documents", query=query)
        assert result.status == 200
        seen += [item["documentId"] for item in result.body["items"]]
        pages += 1
        cursor = result.body["nextCursor"]
        if cursor is None:
            break

    # Then every document comes once, newest first, in three pages (no empty last page)
    assert seen == list(reversed(ids))
    assert pages == 3


def test_list_only_shows_the_callers_documents(call_api):
    create(call_api, name="a.pdf")
    create(call_api, name="b.pdf", user=USER_B)

    mine = call_api("GET", "/documents")
    theirs = call_api("GET", "/documents", user=USER_B)

    assert [item["name"] for item in mine.body["items"]] == ["a.pdf"]
    assert [item["name"] for item in theirs.body["items"]] == ["b.pdf"]


def test_list_is_empty_for_a_new_user(call_api):
    result = call_api("GET", "/documents")

    assert result.status == 200
    assert result.body == {"items": [], "nextCursor": None}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"limit": "0"}, "invalid_request"),
        ({"limit": "101"}, "invalid_request"),
        ({"limit": "ten"}, "invalid_request"),
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"cursor": base64.urlsafe_b64encode(b'{"v":1,"id":"../x"}').decode()}, "invalid_cursor"),
    ],
)
def test_list_refuses_bad_paging_parameters(call_api, query, code):
    assert_error(call_api("GET", "/documents", query=query), 400, code)


# --- GET /documents/{id} -------------------------------------------------------------------


def test_get_pending_document_has_no_download_url(call_api):
    document_id = create(call_api).body["document"]["documentId"]

    result = call_api("GET", f"/documents/{document_id}")

    assert result.status == 200
    assert result.body["document"]["documentId"] == document_id
    assert result.body["downloadUrl"] is None


def test_get_ready_document_has_a_short_lived_download_url(call_api):
    document_id = create(call_api, name="relatório.pdf").body["document"]["documentId"]
    mark_ready(USER_A, document_id)

    result = call_api("GET", f"/documents/{document_id}")

    assert result.status == 200
    document = result.body["document"]
    assert (document["status"], document["pages"], document["chunks"]) == ("READY", 3, 4)
    url = urlparse(result.body["downloadUrl"])
    params = parse_qs(url.query)
    assert url.path.endswith(f"/{document_id}/relat%C3%B3rio.pdf")
    assert params["X-Amz-Expires"] == ["300"]
    assert params["response-content-disposition"][0].startswith("attachment;")
    assert "UTF-8''relat%C3%B3rio.pdf" in params["response-content-disposition"][0]


@pytest.mark.parametrize("document_id", ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "nope", "a%2Fb", "x" * 64])
def test_get_unknown_or_malformed_id_is_404(call_api, document_id):
    assert_error(call_api("GET", f"/documents/{document_id}"), 404, "not_found")


# --- DELETE /documents/{id} ----------------------------------------------------------------


def test_delete_removes_every_version_derived_files_and_the_item(call_api, s3_client, table):
    # Given a document uploaded twice (two versions) with derived files
    document_id = create(call_api).body["document"]["documentId"]
    key = raw_key(USER_A, document_id, "report.pdf")
    s3_client.put_object(Bucket=BUCKET, Key=key, Body=b"%PDF-1 one")
    s3_client.put_object(Bucket=BUCKET, Key=key, Body=b"%PDF-1 two")
    s3_client.delete_object(Bucket=BUCKET, Key=key)  # and a delete marker
    s3_client.put_object(Bucket=BUCKET, Key=chunks_key(USER_A, document_id), Body=b"[]")
    s3_client.put_object(Bucket=BUCKET, Key=embeddings_key(USER_A, document_id), Body=b"x")
    # and another document that must survive
    other_id = create(call_api, name="keep.pdf").body["document"]["documentId"]
    other_key = raw_key(USER_A, other_id, "keep.pdf")
    s3_client.put_object(Bucket=BUCKET, Key=other_key, Body=b"%PDF-1 keep")

    # When the owner deletes it
    result = call_api("DELETE", f"/documents/{document_id}")

    # Then nothing of it is left: no version, no delete marker, no derived file, no item
    assert result.status == 204
    assert result.body is None
    versions = s3_client.list_object_versions(Bucket=BUCKET)
    remaining = [v["Key"] for v in versions.get("Versions", []) + versions.get("DeleteMarkers", [])]
    assert remaining == [other_key]
    assert call_api("GET", f"/documents/{document_id}").status == 404
    assert [item["documentId"] for item in table.scan()["Items"]] == [other_id]


def test_delete_twice_leaves_the_same_state(call_api):
    document_id = create(call_api).body["document"]["documentId"]

    first = call_api("DELETE", f"/documents/{document_id}")
    second = call_api("DELETE", f"/documents/{document_id}")

    # The second call changes nothing; it says the document is not there (no oracle: the
    # same answer as for an id that never existed or belongs to someone else).
    assert first.status == 204
    assert_error(second, 404, "not_found")


# --- identity, cross-user, errors ----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/documents", {"name": "a.pdf", "contentType": PDF, "size": 1}),
        ("POST", "/documents", {"bad": "body"}),
        ("GET", "/documents", None),
        ("GET", "/documents/01ARZ3NDEKTSV4RRFFQ69G5FAV", None),
        ("DELETE", "/documents/01ARZ3NDEKTSV4RRFFQ69G5FAV", None),
    ],
)
def test_every_route_needs_the_sub_claim(call_api, table, method, path, body):
    result = call_api(method, path, body=body, user=None)

    assert_error(result, 401, "unauthorized")
    assert table.scan()["Items"] == []


def test_blank_or_unsafe_sub_is_unauthorized(call_api):
    assert_error(call_api("GET", "/documents", user=""), 401, "unauthorized")
    assert_error(call_api("GET", "/documents", user="a/b"), 401, "unauthorized")


def test_another_users_document_is_404_on_every_route(call_api, s3_client):
    # Given user A's READY document with an uploaded file
    document_id = create(call_api).body["document"]["documentId"]
    key = raw_key(USER_A, document_id, "report.pdf")
    s3_client.put_object(Bucket=BUCKET, Key=key, Body=b"%PDF-1 secret")
    mark_ready(USER_A, document_id)

    # When user B tries every route on it
    got = call_api("GET", f"/documents/{document_id}", user=USER_B)
    deleted = call_api("DELETE", f"/documents/{document_id}", user=USER_B)
    listed = call_api("GET", "/documents", user=USER_B)

    # Then B learns nothing (404, exactly as for an unknown id) and A's document is intact
    unknown = call_api("GET", "/documents/01ARZ3NDEKTSV4RRFFQ69G5FAV", user=USER_B)
    assert_error(got, 404, "not_found")
    assert_error(deleted, 404, "not_found")
    assert got.body == unknown.body
    assert listed.body["items"] == []
    assert call_api("GET", f"/documents/{document_id}").body["document"]["status"] == "READY"
    assert s3_client.head_object(Bucket=BUCKET, Key=key)["ContentLength"] == 13


def test_unknown_route_uses_the_error_shape(call_api):
    assert_error(call_api("GET", "/nothing-here"), 404, "not_found")


def test_cors_headers_only_for_allowed_origins(call_api):
    allowed = call_api("GET", "/documents")
    other = call_api("GET", "/documents", origin="https://evil.example.com")
    refused = call_api("GET", "/documents", user=None)

    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in other.headers
    # Errors carry them too, or the browser could not read the reason
    assert refused.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_unexpected_failure_is_a_500_that_reveals_nothing(call_api, monkeypatch):
    from handlers.core.documents import service

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("table arn:aws:dynamodb:secret exploded")

    monkeypatch.setattr(service, "list_documents", broken)

    result = call_api("GET", "/documents")

    assert_error(result, 500, "internal_error")
    assert "arn:" not in result.body["error"]["message"]


def test_an_upload_is_counted_in_metrics(call_api, capsys):
    create(call_api)
    call_api("GET", "/documents")

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert [line.get("DocumentsUploaded") for line in lines] == [[1.0]]
    assert lines[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "DocAgentTest"


def test_an_invocation_publishes_only_what_it_recorded(call_api, capsys):
    # Given a metric recorded outside any invocation (a warm container's earlier, crashed one)
    from handlers.core.runtime.invocation_metrics import record_count

    record_count("LeftOver")
    # When the next invocation runs
    call_api("GET", "/documents")
    # Then it does not publish the stray metric
    out = capsys.readouterr().out
    assert "LeftOver" not in out
