"""The built site is served like CloudFront serves the export: clean URLs, a 404 page."""

from __future__ import annotations

from pathlib import Path

import pytest

from local.site import StaticSite

API_URL = "http://127.0.0.1:8000/api"


@pytest.fixture
def site(tmp_path: Path) -> StaticSite:
    root = tmp_path / "out"
    (root / "documents").mkdir(parents=True)
    (root / "index.html").write_text("home")
    (root / "documents" / "index.html").write_text("documents")
    (root / "chat.html").write_text("chat")
    (root / "404.html").write_text("missing")
    (root / "app.js").write_text("js")
    (tmp_path / "secret.txt").write_text("outside the site")
    return StaticSite(root)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/", b"home"),
        ("/documents/", b"documents"),
        ("/documents", b"documents"),
        ("/chat", b"chat"),
        ("/app.js", b"js"),
    ],
)
def test_clean_urls_resolve_to_the_exported_pages(site: StaticSite, path: str, body: bytes):
    response = site.handle(path, API_URL)

    assert response.status == 200
    assert response.body == body


def test_an_unknown_path_is_the_404_page(site: StaticSite):
    response = site.handle("/nothing", API_URL)

    assert (response.status, response.body) == (404, b"missing")


def test_nothing_outside_the_site_is_served(site: StaticSite):
    assert site.handle("/../secret.txt", API_URL).status == 404


def test_before_the_site_is_built_the_home_page_says_how(tmp_path: Path):
    response = StaticSite(tmp_path / "missing").handle("/", API_URL)

    assert response.status == 200
    assert b"make site" in response.body
    assert API_URL.encode() in response.body
