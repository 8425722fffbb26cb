"""The local stack refuses what AWS refuses: Cognito actions a browser may not call, and
uploads that break their presigned POST policy — through the app's own port."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3

from tests.e2e.client import cognito, sign_in, upload
from tests.e2e.conftest import PDF_CONTENT_TYPE, User

PDF = b"%PDF-1.4\n% a tiny file that ingest will refuse; the upload is what matters\n"


def ask_upload(user: User, name: str = "report.pdf", size: int = len(PDF)) -> dict[str, Any]:
    reply = user.api.post(
        "/documents", {"name": name, "contentType": PDF_CONTENT_TYPE, "size": size}
    )
    assert reply.status == 201, reply.body
    created: dict[str, Any] = reply.json
    return created


def raw_objects(stack: dict[str, Any], prefix: str) -> list[str]:
    s3 = boto3.client(
        "s3",
        endpoint_url=stack["moto_endpoint"],
        region_name=stack["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    listed = s3.list_objects_v2(Bucket=stack["bucket_name"], Prefix=prefix)
    return [item["Key"] for item in listed.get("Contents", [])]


def s3_code(reply_body: bytes) -> str:
    return reply_body.decode().split("<Code>")[1].split("</Code>")[0]


def test_uploads_and_downloads_go_through_the_apps_own_port(stack: dict[str, Any], alice: User):
    created = ask_upload(alice)

    assert created["upload"]["url"].startswith(f"{stack['url']}/s3/")
    uploaded = upload(created["upload"], "report.pdf", PDF, PDF_CONTENT_TYPE)
    assert uploaded.status in (200, 201, 204), uploaded.body
    assert raw_objects(stack, created["upload"]["fields"]["key"])


def test_a_user_cannot_fill_another_users_pending_document(
    stack: dict[str, Any], alice: User, bob: User
):
    # Given Alice has a pending upload, and Bob has his own presigned POST
    alices = ask_upload(alice)
    bobs = ask_upload(bob)

    # When Bob rewrites his form's key to Alice's
    fields = {**bobs["upload"], "fields": {**bobs["upload"]["fields"]}}
    fields["fields"]["key"] = alices["upload"]["fields"]["key"]
    # (with as many bytes as he declared: only the key breaks his policy)
    reply = upload(fields, "report.pdf", PDF.replace(b"tiny", b"Bob'"), PDF_CONTENT_TYPE)

    # Then S3's policy refuses it, and nothing is stored under Alice's key
    assert reply.status == 403
    assert s3_code(reply.body) == "AccessDenied"
    assert raw_objects(stack, alices["upload"]["fields"]["key"]) == []


def test_an_upload_outside_the_policy_is_refused(stack: dict[str, Any], alice: User):
    created = ask_upload(alice)
    form = created["upload"]
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    (low, high) = next(
        c[1:]
        for c in policy["conditions"]
        if isinstance(c, list) and c[0] == "content-length-range"
    )

    too_big = upload(form, "report.pdf", b"x" * (high + 1), PDF_CONTENT_TYPE)
    assert low >= 1
    empty = upload(form, "report.pdf", b"", PDF_CONTENT_TYPE)
    other_type = upload(
        {**form, "fields": {**form["fields"], "Content-Type": "text/html"}},
        "report.html",
        b"<script>",
        "text/html",
    )
    forged = upload(
        {**form, "fields": {**form["fields"], "x-amz-signature": "0" * 64}},
        "report.pdf",
        PDF,
        PDF_CONTENT_TYPE,
    )

    assert (too_big.status, s3_code(too_big.body)) == (400, "EntityTooLarge")
    assert (empty.status, s3_code(empty.body)) == (400, "EntityTooSmall")
    assert (other_type.status, s3_code(other_type.body)) == (403, "AccessDenied")
    assert (forged.status, s3_code(forged.body)) == (403, "SignatureDoesNotMatch")
    assert raw_objects(stack, form["fields"]["key"]) == []


def test_the_cognito_proxy_refuses_admin_actions(stack: dict[str, Any], alice: User):
    # When an anonymous caller tries what only IAM credentials may do
    listed = cognito(stack["cognito_endpoint"], "ListUsers", {"UserPoolId": stack["user_pool_id"]})
    takeover = cognito(
        stack["cognito_endpoint"],
        "AdminSetUserPassword",
        {
            "UserPoolId": stack["user_pool_id"],
            "Username": alice.email,
            "Password": "Taken-Over-1a",
            "Permanent": True,
        },
    )
    unnamed = cognito(stack["cognito_endpoint"], "", {})

    # Then each is refused as Cognito refuses an unsigned call, and nothing leaks or changes
    for reply in (listed, takeover):
        assert reply.status == 400
        assert reply.json["__type"] == "MissingAuthenticationTokenException"
        assert alice.email not in reply.body.decode()
    assert unnamed.status == 400
    assert sign_in(
        stack["cognito_endpoint"], stack["user_pool_client_id"], alice.email, alice.password
    )


def test_the_cognito_proxy_still_serves_the_public_actions(stack: dict[str, Any], alice: User):
    reply = cognito(
        stack["cognito_endpoint"], "GetUser", {"AccessToken": alice.tokens["AccessToken"]}
    )

    assert reply.status == 200, reply.body
    assert reply.json["Username"]
