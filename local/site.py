"""The built site (`frontend/out/`, a static Next.js export), served like CloudFront serves it.

Clean URLs resolve as the deploy resolves them: `/documents/` and `/documents` serve
`documents/index.html` (or `documents.html`), an unknown path serves `404.html` with a 404.
Before the site is built, `/` serves a short page that says how to build it.
"""

from __future__ import annotations

import html
import mimetypes
from pathlib import Path

from local.http_types import HttpResponse

_NO_CACHE = ("Cache-Control", "no-cache")


class StaticSite:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @property
    def built(self) -> bool:
        return (self.root / "index.html").is_file()

    def handle(self, path: str, api_url: str) -> HttpResponse:
        if not self.built:
            return _not_built_page(path, self.root, api_url)
        found = self._resolve(path)
        if found is None:
            missing = self.root / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"Not found"
            return HttpResponse(
                404, [("Content-Type", "text/html; charset=utf-8"), _NO_CACHE], body
            )
        content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        return HttpResponse(200, [("Content-Type", content_type), _NO_CACHE], found.read_bytes())

    def _resolve(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        candidates = (
            [relative + "index.html"]
            if relative == "" or relative.endswith("/")
            else [relative, relative + ".html", relative + "/index.html"]
        )
        for candidate in candidates:
            target = (self.root / candidate).resolve()
            # Never serve anything outside the site's directory (`/../` in the path).
            if target.is_relative_to(self.root) and target.is_file():
                return target
        return None


def _not_built_page(path: str, root: Path, api_url: str) -> HttpResponse:
    if path not in ("/", "/index.html"):
        return HttpResponse(404, [("Content-Type", "text/plain; charset=utf-8")], b"Not found")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Doc Agent (local)</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Doc Agent is running locally</h1>
<p>The site is not built: there is no <code>{html.escape(str(root))}/index.html</code>.
Build it with <code>make site</code> and reload this page (no restart needed).</p>
<p>The API answers at <code>{html.escape(api_url)}</code>; its settings are at
<a href="/config.json">/config.json</a>.</p>
</body></html>
"""
    return HttpResponse(
        200, [("Content-Type", "text/html; charset=utf-8"), _NO_CACHE], page.encode()
    )
