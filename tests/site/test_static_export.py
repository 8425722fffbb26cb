"""The built site (`frontend/out/`, from `make site`) is what FrontendSite uploads: one build
for every stack, with the routes CloudFront's clean URLs expect and nothing secret in it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

OUT = Path(__file__).resolve().parents[2] / "frontend" / "out"
ROUTES = ("", "signin/", "signup/", "documents/", "chat/")
# Strings that would mean a stack's settings or a credential were baked into the bundle.
FORBIDDEN = {
    "AWS access key id": re.compile(rb"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "OpenAI key": re.compile(rb"\bsk-[A-Za-z0-9_-]{20,}"),
    "private key": re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "API Gateway URL": re.compile(rb"execute-api\.[a-z0-9-]+\.amazonaws\.com"),
    "Cognito endpoint": re.compile(rb"cognito-idp\.[a-z0-9-]+\.amazonaws\.com"),
    "user pool id": re.compile(rb"\b[a-z]{2}-[a-z]+-\d_[A-Za-z0-9]{9}\b"),
    "web font CDN": re.compile(rb"fonts\.(googleapis|gstatic)\.com"),
}


@pytest.fixture(scope="module")
def built() -> Path:
    if not (OUT / "index.html").is_file():
        pytest.fail(f"the site is not built ({OUT}/index.html is missing): run `make site`")
    return OUT


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_every_route_is_exported_as_a_directory_index(built: Path) -> None:
    for route in ROUTES:
        assert (built / route / "index.html").is_file(), route
    assert (built / "404.html").is_file()


def test_config_json_is_left_to_the_deployment(built: Path) -> None:
    # FrontendSite (or the local stack) writes /config.json; the build must not ship one.
    assert not (built / "config.json").exists()


@pytest.mark.parametrize("name", sorted(FORBIDDEN))
def test_bundle_holds_no_stack_settings_or_secrets(built: Path, name: str) -> None:
    pattern = FORBIDDEN[name]
    found = [str(p.relative_to(built)) for p in _files(built) if pattern.search(p.read_bytes())]
    assert found == []


def test_hashed_assets_are_under_next_static(built: Path) -> None:
    # FrontendSite caches /_next/static/* for a year: every path there must carry a content
    # hash (a token of 8+ characters with a digit) or the build's id, which makes it
    # immutable. The build id is Next's random 21-character id, the folder of the build
    # manifest; it has no digit in ~3 % of builds, so it is recognised by name.
    static = built / "_next" / "static"
    files = _files(static)
    assert files
    build_ids = {p.parent.name for p in files if p.name == "_buildManifest.js"}
    assert len(build_ids) == 1, build_ids
    (build_id,) = build_ids
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,}", build_id), build_id
    hashed = re.compile(r"(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{8,}")

    def immutable(part: str) -> bool:
        return part == build_id or hashed.search(part) is not None

    unhashed = [
        str(p.relative_to(static))
        for p in files
        if not any(immutable(part) for part in p.relative_to(static).with_suffix("").parts)
    ]
    assert unhashed == []


def test_pages_load_only_same_origin_scripts(built: Path) -> None:
    for route in ROUTES:
        html = (built / route / "index.html").read_text()
        sources = re.findall(r'<script[^>]+src="([^"]+)"', html)
        assert sources
        assert all(src.startswith("/_next/static/") for src in sources), sources


def test_package_lock_pins_what_npm_ci_installs() -> None:
    frontend = OUT.parent
    package = json.loads((frontend / "package.json").read_text())
    lock = json.loads((frontend / "package-lock.json").read_text())
    for section in ("dependencies", "devDependencies"):
        for name, version in package[section].items():
            assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
