"""CORS headers for the site's origins only (API Gateway answers the OPTIONS preflight)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def cors_headers(origin: str | None, allowed_origins: Iterable[str]) -> dict[str, str]:
    """`Access-Control-Allow-Origin` echoing the origin when it is allowed, else nothing."""
    allowed = tuple(allowed_origins)
    if not origin or (origin not in allowed and "*" not in allowed):
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "Retry-After",
        "Vary": "Origin",
    }


def request_origin(event: Mapping[str, Any]) -> str | None:
    headers = event.get("headers") or {}
    for name, value in headers.items():
        if name.lower() == "origin" and isinstance(value, str):
            return value
    return None


def add_cors_headers(
    response: dict[str, Any], event: Mapping[str, Any], allowed_origins: Iterable[str]
) -> dict[str, Any]:
    """Add the headers to a proxy result, in whichever header map it uses."""
    extra = cors_headers(request_origin(event), allowed_origins)
    if not extra:
        return response
    if isinstance(response.get("multiValueHeaders"), dict):
        for name, value in extra.items():
            response["multiValueHeaders"][name] = [value]
    else:
        response.setdefault("headers", {}).update(extra)
    return response
