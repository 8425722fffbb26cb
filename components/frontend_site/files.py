"""The built site on disk: which files FrontendSite uploads, with which content type and caching.

Next's static export (`frontend/out/`) names everything under `_next/static/` after its
content hash, so those files never change and may be cached for a year; the HTML and the
RSC payloads (`*.txt`) keep their names from build to build and must be revalidated.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pulumi

RUNTIME_CONFIG_KEY = "config.json"
"""Generated from the stack's outputs; a copy left in the build directory is never uploaded."""
IMMUTABLE_PREFIX = "_next/static/"
ENTRY_PAGE = "index.html"

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
NO_STORE = "no-store"
SHORT = "public, max-age=3600"

# Explicit so an upload never depends on the deploying machine's /etc/mime.types.
_CONTENT_TYPES: Mapping[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    # React Server Component payloads fetched on client-side navigation.
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
}
_REVALIDATED_SUFFIXES = frozenset({".html", ".txt"})


class SiteNotBuiltError(pulumi.RunError):
    """The site's static export is missing; the message says how to build it."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        super().__init__(
            f"the site has not been built: {site_dir / ENTRY_PAGE} does not exist. "
            "Run `make site` (npm run build in frontend/) before `pulumi up`."
        )


@dataclass(frozen=True)
class SiteFile:
    key: str
    """The object key: the path relative to the build directory, with `/` separators."""
    path: Path
    content_type: str
    cache_control: str

    @property
    def immutable(self) -> bool:
        return self.key.startswith(IMMUTABLE_PREFIX)


def content_type(key: str) -> str:
    suffix = PurePosixPath(key).suffix.lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(key, strict=False)
    return guessed or "application/octet-stream"


def cache_control(key: str) -> str:
    if key.startswith(IMMUTABLE_PREFIX):
        return IMMUTABLE
    if PurePosixPath(key).suffix.lower() in _REVALIDATED_SUFFIXES:
        return REVALIDATE
    return SHORT


def site_files(site_dir: Path) -> list[SiteFile]:
    """Every file of the build, sorted by key; raises SiteNotBuiltError without an index.html."""
    if not (site_dir / ENTRY_PAGE).is_file():
        raise SiteNotBuiltError(site_dir)
    keys = sorted(
        path.relative_to(site_dir).as_posix() for path in site_dir.rglob("*") if path.is_file()
    )
    return [
        SiteFile(
            key=key,
            path=site_dir / key,
            content_type=content_type(key),
            cache_control=cache_control(key),
        )
        for key in keys
        if key != RUNTIME_CONFIG_KEY
    ]
