"""A small HTTP client for the local stack: the API, Cognito and the presigned POST upload.

Only the standard library, so the tests speak HTTP the way a browser does and nothing
hides a status code.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def http(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> Reply:
    # Every URL is the local stack's (http://127.0.0.1:...).
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            return Reply(reply.status, dict(reply.headers.items()), reply.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers.items()), error.read())


@dataclass
class Api:
    """The REST API as one signed-in user calls it."""

    base_url: str
    token: str | None

    def call(self, method: str, path: str, payload: Any = None) -> Reply:
        headers: dict[str, str] = {}
        if self.token is not None:
            headers["Authorization"] = self.token
        body = None
        if payload is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(payload).encode()
        return http(method, f"{self.base_url}{path}", body=body, headers=headers)

    def get(self, path: str) -> Reply:
        return self.call("GET", path)

    def post(self, path: str, payload: Any) -> Reply:
        return self.call("POST", path, payload)

    def delete(self, path: str) -> Reply:
        return self.call("DELETE", path)

    def wait_for_status(self, document_id: str, timeout: float = 60) -> dict[str, Any]:
        """Poll the document until it leaves PENDING; returns the document."""
        deadline = time.monotonic() + timeout
        while True:
            reply = self.get(f"/documents/{document_id}")
            assert reply.status == 200, reply.body
            document: dict[str, Any] = reply.json["document"]
            if document["status"] != "PENDING" or time.monotonic() > deadline:
                return document
            time.sleep(0.25)


def cognito(endpoint: str, action: str, payload: dict[str, Any]) -> Reply:
    return http(
        "POST",
        endpoint,
        body=json.dumps(payload).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{action}",
        },
    )


def sign_in(endpoint: str, client_id: str, email: str, password: str) -> dict[str, Any]:
    """InitiateAuth USER_PASSWORD_AUTH; returns the AuthenticationResult."""
    reply = cognito(
        endpoint,
        "InitiateAuth",
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": client_id,
            "AuthParameters": {"USERNAME": email, "PASSWORD": password},
        },
    )
    assert reply.status == 200, reply.body
    result: dict[str, Any] = reply.json["AuthenticationResult"]
    return result


def upload(upload: dict[str, Any], filename: str, content: bytes, content_type: str) -> Reply:
    """POST the file to the presigned form as a browser does (multipart/form-data)."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in upload["fields"].items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return http(
        "POST",
        upload["url"],
        body=b"".join(parts),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
