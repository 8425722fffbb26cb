"""The corpus takes each document out of its package once, checks it against the pinned
SHA-256 and caches it; a file that changed stops the run with a reason. The packages here
are built locally (dpkg-deb -b), so no archive is needed."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import pytest

from benchmarks.quality.corpus import CACHE_ENV, CorpusError, cache_dir, fetch_document, sha256_of
from benchmarks.quality.labels import DocumentSpec

CONTENT = b"<html><body><h1>Manual</h1><p>Real text.</p></body></html>"


def _build_deb(debs: Path, content: bytes, name: str = "manual.html") -> None:
    """`example-doc_1.0-1_all.deb` holding usr/share/doc/example/<name>."""
    root = debs.parent / "package-root"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text(
        "Package: example-doc\nVersion: 1.0-1\nArchitecture: all\n"
        "Maintainer: Nobody <nobody@example.com>\nDescription: test\n"
    )
    (root / "usr/share/doc/example").mkdir(parents=True)
    (root / "usr/share/doc/example" / name).write_bytes(content)
    debs.mkdir(parents=True)
    subprocess.run(
        ["dpkg-deb", "-b", str(root), str(debs / "example-doc_1.0-1_all.deb")],
        check=True,
        capture_output=True,
    )


def _spec(sha256: str, path: str = "usr/share/doc/example/manual.html") -> DocumentSpec:
    return DocumentSpec(
        key="example",
        title="Example",
        format="html",
        package="example-doc",
        version="1.0-1",
        path=path,
        sha256=sha256,
        licence="MIT",
        split="tune",
    )


def test_a_pinned_file_is_extracted_checked_and_cached(tmp_path: Path) -> None:
    # Given the pinned package in the cache's debs/
    _build_deb(tmp_path / "debs", CONTENT)
    spec = _spec(sha256_of(CONTENT))
    # When the document is fetched twice, the package removed in between
    first = fetch_document(spec, tmp_path)
    (tmp_path / "debs" / "example-doc_1.0-1_all.deb").unlink()
    second = fetch_document(spec, tmp_path)
    # Then both are the file, the second from the cache
    assert first == second == CONTENT
    assert (tmp_path / "files" / "example.html").read_bytes() == CONTENT


def test_a_gzipped_file_is_the_document_decompressed(tmp_path: Path) -> None:
    # Given a package shipping the document gzipped, as Debian ships most of /usr/share/doc
    _build_deb(tmp_path / "debs", gzip.compress(CONTENT), "manual.html.gz")
    spec = _spec(sha256_of(CONTENT), "usr/share/doc/example/manual.html.gz")
    # When fetched, Then the document is the decompressed file, checked against its pin
    assert fetch_document(spec, tmp_path) == CONTENT


def test_a_file_that_changed_stops_the_run_with_the_reason(tmp_path: Path) -> None:
    # Given a package whose file is not the one the labels were made from
    _build_deb(tmp_path / "debs", CONTENT + b"<p>A new paragraph.</p>")
    # When it is fetched, Then the error names the document and says to redo its labels
    with pytest.raises(CorpusError, match=r"example: .*manual\.html.*re-read its pages"):
        fetch_document(_spec(sha256_of(CONTENT)), tmp_path)
    assert not (tmp_path / "files" / "example.html").exists()


def test_a_corrupted_cache_entry_is_replaced(tmp_path: Path) -> None:
    # Given a cached copy that no longer matches its pin
    _build_deb(tmp_path / "debs", CONTENT)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "example.html").write_bytes(b"truncated")
    # When fetched, Then the package's file is used and cached again
    assert fetch_document(_spec(sha256_of(CONTENT)), tmp_path) == CONTENT
    assert (tmp_path / "files" / "example.html").read_bytes() == CONTENT


def test_the_cache_directory_can_be_moved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "elsewhere"))
    assert cache_dir() == tmp_path / "elsewhere"
