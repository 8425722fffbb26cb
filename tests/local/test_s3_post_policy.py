"""The local S3 endpoint refuses a browser upload exactly when S3 would: the presigned
POST's policy, built by boto3 as the `api` function builds it, checked field by field."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config

from local.s3_endpoint import build_multipart, parse_multipart, post_form
from local.s3_post_policy import PostForm, PostRefused, check_post

BUCKET = "doc-agent-local-documents"
KEY = "raw/user-a/01JDOC/report.pdf"
SECRETS = {"testing": "testing"}


@pytest.fixture
def presigned(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    s3 = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9/s3",
        config=Config(signature_version="s3v4"),  # as the api function signs
    )
    post: dict[str, Any] = s3.generate_presigned_post(
        Bucket=BUCKET,
        Key=KEY,
        Fields={"Content-Type": "application/pdf"},
        Conditions=[{"Content-Type": "application/pdf"}, ["content-length-range", 1, 100]],
        ExpiresIn=900,
    )
    return post


def form(post: dict[str, Any], content: bytes = b"%PDF-1.7 x", **changes: str | None) -> PostForm:
    fields = {k.lower(): v for k, v in post["fields"].items()}
    for name, value in changes.items():
        name = name.replace("_", "-").lower()
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return PostForm(fields=fields, filename="report.pdf", content=content)


def refusal(post_form_: PostForm, *, now: datetime | None = None, bucket: str = BUCKET) -> str:
    with pytest.raises(PostRefused) as refused:
        check_post(post_form_, bucket, SECRETS, now)
    return f"{refused.value.status} {refused.value.code}"


def test_the_form_as_issued_is_accepted(presigned):
    check_post(form(presigned), BUCKET, SECRETS)


def test_another_key_is_refused(presigned):
    # e.g. another user's pending document
    assert refusal(form(presigned, key="raw/user-b/01JOTHER/x.pdf")) == "403 AccessDenied"


def test_another_content_type_is_refused(presigned):
    assert refusal(form(presigned, content_type="text/html")) == "403 AccessDenied"


def test_another_bucket_is_refused(presigned):
    assert refusal(form(presigned), bucket="someone-elses-bucket") == "403 AccessDenied"


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "400 EntityTooSmall"), (b"x" * 101, "400 EntityTooLarge")],
)
def test_a_file_outside_the_length_range_is_refused(presigned, content, expected):
    assert refusal(form(presigned, content=content)) == expected


def test_the_boundaries_of_the_length_range_are_accepted(presigned):
    check_post(form(presigned, content=b"x"), BUCKET, SECRETS)
    check_post(form(presigned, content=b"x" * 100), BUCKET, SECRETS)


def test_an_expired_policy_is_refused(presigned):
    later = datetime.now(UTC) + timedelta(seconds=901)
    assert refusal(form(presigned), now=later) == "403 AccessDenied"


def test_a_rewritten_policy_does_not_match_its_signature(presigned):
    # Given the attacker loosens the policy (any key, any size) but cannot re-sign it
    policy = json.loads(base64.b64decode(presigned["fields"]["policy"]))
    policy["conditions"] = [
        c for c in policy["conditions"] if not (isinstance(c, dict) and "key" in c)
    ] + [["starts-with", "$key", "raw/"]]
    loosened = base64.b64encode(json.dumps(policy).encode()).decode()

    assert refusal(form(presigned, policy=loosened)) == "403 SignatureDoesNotMatch"


def test_a_tampered_signature_or_unknown_key_id_is_refused(presigned):
    assert refusal(form(presigned, x_amz_signature="0" * 64)) == "403 SignatureDoesNotMatch"
    credential = presigned["fields"]["x-amz-credential"].replace("testing", "AKIAOTHER", 1)
    assert refusal(form(presigned, x_amz_credential=credential)) == "403 InvalidAccessKeyId"


def test_a_field_no_condition_covers_is_refused(presigned):
    refused = refusal(form(presigned, x_amz_meta_owner="user-b"))
    assert refused == "403 AccessDenied"


def test_x_ignore_fields_need_no_condition(presigned):
    check_post(form(presigned, x_ignore_note="anything"), BUCKET, SECRETS)


def test_an_unsigned_form_is_refused(presigned):
    assert refusal(form(presigned, policy=None)) == "403 AccessDenied"
    assert refusal(form(presigned, key=None)) == "400 InvalidArgument"


def test_multipart_round_trip_keeps_fields_and_binary_file():
    content = b"\x00\r\n--not-a-boundary\r\n\xff"
    body, content_type = build_multipart([("key", "k", None), ("file", content, "a b.pdf")])
    boundary = content_type.split("boundary=")[1]

    parsed = post_form(parse_multipart(body, boundary))

    assert parsed.fields == {"key": "k"}
    assert parsed.content == content
    assert parsed.filename == "a b.pdf"


@pytest.mark.parametrize(
    "parts",
    [[("file", b"x", "a"), ("key", "k", None)], [("key", "k", None)]],
    ids=["file-not-last", "no-file"],
)
def test_the_file_must_be_the_last_field(parts):
    body, content_type = build_multipart(parts)
    with pytest.raises(PostRefused):
        post_form(parse_multipart(body, content_type.split("boundary=")[1]))


def test_a_body_that_is_not_multipart_is_refused():
    with pytest.raises(PostRefused):
        parse_multipart(b"key=k&file=x", "boundary")
