"""The edge behaviour FrontendSite configures: the clean-URL function (run in node) and the CSP."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from components.frontend_site.edge import CLEAN_URLS_CODE, content_security_policy
from components.frontend_site.files import cache_control, content_type


def _rewrite(uris: list[str]) -> list[str]:
    # CloudFront Functions are plain JavaScript; node runs the same handler.
    node = shutil.which("node")
    assert node, "node is needed to build the site and to run this test"
    script = (
        CLEAN_URLS_CODE
        + f"\nconsole.log(JSON.stringify({json.dumps(uris)}.map("
        + "(uri) => handler({request: {uri: uri, headers: {}}}).uri)));\n"
    )
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    rewritten: list[str] = json.loads(result.stdout)
    return rewritten


@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/", "/index.html"),
        ("/documents", "/documents/index.html"),
        ("/documents/", "/documents/index.html"),
        ("/chat/", "/chat/index.html"),
        ("/index.html", "/index.html"),
        ("/config.json", "/config.json"),
        ("/documents/index.txt", "/documents/index.txt"),
        ("/_next/static/chunks/app-3b7v8xei.js", "/_next/static/chunks/app-3b7v8xei.js"),
        ("/404.html", "/404.html"),
    ],
)
def test_clean_urls_serve_the_exported_index_files(uri: str, served: str) -> None:
    assert _rewrite([uri]) == [served]


def test_csp_lists_each_connect_source_once_and_nothing_else() -> None:
    csp = content_security_policy(
        ["https://b.example.com", "https://a.example.com", "https://b.example.com"]
    )
    (connect,) = [d.strip() for d in csp.split(";") if d.strip().startswith("connect-src")]
    assert connect == "connect-src 'self' https://a.example.com https://b.example.com"
    assert "'unsafe-eval'" not in csp


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("_next/static/chunks/a.js", "text/javascript; charset=utf-8"),
        ("_next/static/media/font.woff2", "font/woff2"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("logo.SVG", "image/svg+xml"),
        ("data.unknownext", "application/octet-stream"),
    ],
)
def test_content_types(key: str, expected: str) -> None:
    assert content_type(key) == expected


def test_only_hashed_assets_are_immutable() -> None:
    assert cache_control("_next/static/chunks/a.js") == "public, max-age=31536000, immutable"
    assert cache_control("_next/static/css/a.css") == "public, max-age=31536000, immutable"
    assert cache_control("documents/index.html") == "no-cache"
    assert cache_control("index.txt") == "no-cache"
    assert cache_control("favicon.ico") == "public, max-age=3600"
