"""S3 on the stack's own origin (`/s3/...`), in front of moto.

Presigned URLs the `api` function hands out point here (`PUBLIC_S3_ENDPOINT_URL`), so a
browser uploads and downloads through the app's one port, as behind anything that
forwards only that port. A browser upload (a multipart POST to `/s3/{bucket}`) is checked
against its POST policy as S3 checks it (`local.s3_post_policy`), because moto does not:
a refused upload gets S3's XML error and never reaches the bucket. Everything else is
passed to moto as it is.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from urllib.parse import quote
from xml.sax.saxutils import escape

from handlers.core.http.request_body import media_type
from local.http_types import HttpRequest, HttpResponse
from local.s3_post_policy import PostForm, PostRefused, check_post

S3_PREFIX = "/s3"
_HOP_HEADERS = frozenset(
    {"host", "content-length", "connection", "transfer-encoding", "keep-alive", "expect"}
)
_PARAM = re.compile(r';\s*([A-Za-z*]+)="((?:[^"\\]|\\.)*)"')


class S3Endpoint:
    def __init__(self, moto_endpoint: str, public_endpoint: str, secrets: Mapping[str, str]):
        """`secrets`: access key id → secret key, what SigV4 POST signatures are checked with."""
        self._moto = moto_endpoint.rstrip("/")
        self._public = public_endpoint.rstrip("/")
        self._secrets = dict(secrets)

    def handle(self, request: HttpRequest, path: str) -> HttpResponse:
        """Answer `request`, whose path below `/s3` is `path` (`/{bucket}/{key}`)."""
        bucket = path.strip("/").split("/", 1)[0]
        content_type = request.header("Content-Type") or ""
        if request.method == "POST" and bucket and path.strip("/") == bucket:
            kind, params = media_type(content_type)
            if kind == "multipart/form-data":
                return self._browser_upload(request, bucket, params.get("boundary", ""))
        return self._forward(request.method, path, request.query, request.headers, request.body)

    def _browser_upload(self, request: HttpRequest, bucket: str, boundary: str) -> HttpResponse:
        try:
            parts = parse_multipart(request.body, boundary)
            form = post_form(parts)
            check_post(form, bucket, self._secrets)
        except PostRefused as refused:
            return s3_error(refused.status, refused.code, refused.message)
        # S3 puts the uploaded file's name in place of `${filename}` in the key.
        key = form.fields["key"].replace("${filename}", form.filename)
        fields = [(n, key if n.lower() == "key" else v, f) for n, v, f in parts]
        body, content_type = build_multipart(fields)
        headers = (("Content-Type", content_type), *_origin(request))
        return self._forward("POST", f"/{bucket}", "", headers, body)

    def _forward(
        self,
        method: str,
        path: str,
        query: str,
        headers: tuple[tuple[str, str], ...],
        body: bytes,
    ) -> HttpResponse:
        url = f"{self._moto}{quote(path, safe='/-_.~')}" + (f"?{query}" if query else "")
        forwarded = urllib.request.Request(  # noqa: S310 (moto is http://127.0.0.1)
            url,
            data=body if body or method in ("POST", "PUT") else None,
            method=method,
            headers={k: v for k, v in headers if k.lower() not in _HOP_HEADERS},
        )
        if body and not forwarded.has_header("Content-type"):
            # urllib would say form-urlencoded, and moto's server would parse the body away.
            forwarded.add_header("Content-Type", "binary/octet-stream")
        try:
            with urllib.request.urlopen(forwarded, timeout=60) as reply:  # noqa: S310
                status, reply_headers, reply_body = reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as error:
            status, reply_headers, reply_body = error.code, error.headers, error.read()
        out = [
            (name, value.replace(self._moto, self._public))
            for name, value in reply_headers.items()
            if name.lower() not in _HOP_HEADERS and name.lower() not in ("server", "date")
        ]
        return HttpResponse(status=status, headers=out, body=reply_body)


Part = tuple[str, str | bytes, str | None]
"""A form part: name, value (bytes for a file) and the file's name (None for a field)."""


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """multipart/form-data parts, in order; PostRefused (400) when it is malformed."""
    if not boundary:
        raise PostRefused(400, "MalformedPOSTRequest", "The body is not multipart/form-data.")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise PostRefused(400, "MalformedPOSTRequest", "The body is not multipart/form-data.")
    parts: list[Part] = []
    for chunk in chunks[1:-1]:
        head, separator, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator or not content.endswith(b"\r\n"):
            raise PostRefused(400, "MalformedPOSTRequest", "A form part is malformed.")
        content = content[:-2]
        disposition = next(
            (
                line.split(":", 1)[1]
                for line in head.decode("utf-8", "replace").split("\r\n")
                if line.lower().startswith("content-disposition:")
            ),
            "",
        )
        params = {k.lower(): v for k, v in _PARAM.findall(disposition)}
        if "name" not in params:
            raise PostRefused(400, "MalformedPOSTRequest", "A form part has no name.")
        if "filename" in params:
            parts.append((params["name"], content, params["filename"]))
        else:
            parts.append((params["name"], content.decode("utf-8", "replace"), None))
    return parts


def post_form(parts: list[Part]) -> PostForm:
    """The fields (names lower-cased) and the file, which S3 requires to be the last part."""
    fields: dict[str, str] = {}
    for index, (name, value, filename) in enumerate(parts):
        if name.lower() == "file":
            if index != len(parts) - 1 or not isinstance(value, bytes):
                raise PostRefused(
                    400, "InvalidArgument", "The file must be the last field in the form."
                )
            return PostForm(fields=fields, filename=filename or "", content=value)
        fields[name.lower()] = value if isinstance(value, str) else value.decode("utf-8", "replace")
    raise PostRefused(400, "InvalidArgument", "POST requires exactly one file upload per request.")


def build_multipart(parts: list[Part]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out: list[bytes] = []
    for name, value, filename in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        data = value if isinstance(value, bytes) else value.encode()
        out.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def s3_error(status: int, code: str, message: str) -> HttpResponse:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
    )
    return HttpResponse(
        status=status, headers=[("Content-Type", "application/xml")], body=body.encode()
    )


def _origin(request: HttpRequest) -> tuple[tuple[str, str], ...]:
    origin = request.header("Origin")
    return (("Origin", origin),) if origin else ()
