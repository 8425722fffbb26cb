"""The few HTTP calls the smoke test makes, with the standard library only (the pipeline
runs it with nothing but the repository's requirements)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def request(
    method: str,
    url: str,
    *,
    payload: Any = None,
    token: str | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    timeout: float = 60,
) -> HttpReply:
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        # Plain HTTP only to the local stack: a deployed stack is always HTTPS.
        raise ValueError(f"refusing to call {url!r}: not HTTPS")
    headers: dict[str, str] = {}
    if token is not None:
        headers["Authorization"] = token
    if payload is not None:
        body = json.dumps(payload).encode()
        content_type = "application/json"
    if content_type is not None:
        headers["Content-Type"] = content_type
    call = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(call, timeout=timeout) as reply:  # noqa: S310 (checked above)
            return HttpReply(reply.status, reply.read())
    except urllib.error.HTTPError as error:
        return HttpReply(error.code, error.read())


def post_form(url: str, fields: dict[str, str], filename: str, data: bytes, kind: str) -> HttpReply:
    """A presigned POST upload, multipart/form-data as a browser sends it (file last)."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {kind}\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return request(
        "POST",
        url,
        body=b"".join(parts),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
