"""Refuse a request body the API cannot read, before routing, with the API's error shape.

Every route that takes a body takes JSON. Powertools matches the media type
case-sensitively and raises on anything else, and decodes a base64 body without
checking it is UTF-8; both were 500s. Here the media type is compared as RFC 9110 says
(case-insensitive, parameters allowed: `APPLICATION/JSON; charset=utf-8` is JSON), any
other type is a 415, and a body that is not a UTF-8 JSON object (or nests too deeply to
parse) is a 400. An accepted event is handed on with its body as text and its content type
normalised, so the resolver's own checks see plain JSON.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from handlers.core.http.error_responses import (
    UNSUPPORTED_CONTENT_TYPE_MESSAGE,
    error_proxy_response,
)

JSON_MEDIA_TYPE = "application/json"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_UTF8_CHARSETS = frozenset({"utf-8", "utf8", "us-ascii"})


def media_type(content_type: str) -> tuple[str, dict[str, str]]:
    """`type/subtype` in lower case and the parameters (names lower case, values unquoted)."""
    main, *raw_params = content_type.split(";")
    params: dict[str, str] = {}
    for raw in raw_params:
        name, _, value = raw.partition("=")
        if name.strip():
            params[name.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), params


def check_request_body(event: dict[str, Any]) -> dict[str, Any] | None:
    """A 415/400 proxy response for a body the API cannot read, or None (event normalised)."""
    if str(event.get("httpMethod", "")).upper() not in _BODY_METHODS:
        return None
    raw = event.get("body")
    if raw is None or raw == "":
        return None
    name, content_type = _content_type_header(event)
    if content_type is not None:
        kind, params = media_type(content_type)
        charset = params.get("charset", "utf-8").lower()
        if kind != JSON_MEDIA_TYPE or charset not in _UTF8_CHARSETS:
            return error_proxy_response(
                415, "unsupported_content_type", UNSUPPORTED_CONTENT_TYPE_MESSAGE
            )
    try:
        text = _body_text(str(raw), bool(event.get("isBase64Encoded")))
        parsed = json.loads(text)
    except (ValueError, RecursionError, binascii.Error):
        # UnicodeDecodeError and JSONDecodeError are ValueErrors.
        return error_proxy_response(400, "invalid_request", "The body is not valid UTF-8 JSON.")
    if not isinstance(parsed, dict):
        # Powertools would read `[{...}, ...]` as its first object: every body is an object.
        return error_proxy_response(400, "invalid_request", "The body must be a JSON object.")
    event["body"] = text
    event["isBase64Encoded"] = False
    if name is not None:
        _set_header(event, name, JSON_MEDIA_TYPE)
    return None


def _content_type_header(event: dict[str, Any]) -> tuple[str | None, str | None]:
    for name, value in (event.get("headers") or {}).items():
        if name.lower() == "content-type":
            return name, str(value)
    return None, None


def _body_text(raw: str, is_base64: bool) -> str:
    if not is_base64:
        # Lone surrogates cannot be UTF-8: refuse them here, not in a handler's encode().
        raw.encode("utf-8")
        return raw
    return base64.b64decode(raw.encode("ascii"), validate=True).decode("utf-8")


def _set_header(event: dict[str, Any], name: str, value: str) -> None:
    event["headers"][name] = value
    multi = event.get("multiValueHeaders")
    if multi:
        for key in list(multi):
            if key.lower() == "content-type":
                multi[key] = [value]
