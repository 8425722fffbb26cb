"""Fetch the set's documents from Debian's archive and cache them.

Each document is one file inside a documentation package (`apt-get download` + `dpkg-deb
-x`, as root or not: nothing is installed); a file the package ships gzipped (`.gz`, as
Debian ships most text under /usr/share/doc) is the document decompressed, and its pin is
the decompressed file's. Packages are pinned by version and files by
SHA-256, so the page and section labels stay valid: when the pinned version is no longer in
the archive the current one is tried, and a file whose checksum differs stops the run with
a message saying which label set to redo. The cache directory is `$DOC_AGENT_QUALITY_CACHE`
or `~/.cache/doc-agent/answer-quality/`.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.quality.labels import DocumentSpec

CACHE_ENV = "DOC_AGENT_QUALITY_CACHE"
DEFAULT_CACHE = Path.home() / ".cache" / "doc-agent" / "answer-quality"


class CorpusError(RuntimeError):
    """A document could not be fetched, or is not the file the labels were made from."""


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    return Path(configured).expanduser() if configured else DEFAULT_CACHE


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_document(spec: DocumentSpec, cache: Path | None = None) -> bytes:
    """The document's bytes, checked against its pinned SHA-256 (downloaded once)."""
    root = cache or cache_dir()
    cached = root / "files" / spec.file_name
    if cached.exists():
        data = cached.read_bytes()
        if sha256_of(data) == spec.sha256:
            return data
    deb = _download(spec, root / "debs")
    data = _extract(spec, deb)
    actual = sha256_of(data)
    if actual != spec.sha256:
        raise CorpusError(
            f"{spec.key}: /{spec.path} in {deb.name} has SHA-256 {actual}, but the "
            f"labels in answer_set.yaml were made for {spec.sha256} (version {spec.version}). "
            "The document changed: re-read its pages, fix the labels, then update the pin."
        )
    _write_atomically(cached, data)
    return data


def _write_atomically(target: Path, data: bytes) -> None:
    # Two runs sharing the cache (parallel test processes) never read a half-written file.
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as partial:
        partial.write(data)
    os.replace(partial.name, target)


def _download(spec: DocumentSpec, debs: Path) -> Path:
    """The package's .deb: the pinned version, else (gone from the archive) the current one."""
    debs.mkdir(parents=True, exist_ok=True)
    pinned = next(debs.glob(f"{spec.package}_{_file_version(spec.version)}_*.deb"), None)
    if pinned is not None:
        return pinned
    for request in (f"{spec.package}={spec.version}", spec.package):
        # Into a scratch directory first, so `debs` only ever holds complete packages.
        with tempfile.TemporaryDirectory(dir=debs) as scratch:
            if _apt_download(request, Path(scratch)):
                for deb in Path(scratch).glob(f"{spec.package}_*.deb"):
                    return Path(shutil.move(deb, debs / deb.name))
    raise CorpusError(
        f"{spec.key}: `apt-get download {spec.package}` failed (pinned {spec.version}); "
        "check that Debian's archive is reachable and `apt-get update` has been run."
    )


def _apt_download(request: str, target: Path) -> bool:
    """`apt-get download`, with one `apt-get update` when the lists lack the package."""
    for attempt in range(2):
        result = subprocess.run(
            ["apt-get", "download", request],
            cwd=target,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            return True
        if attempt == 0:
            subprocess.run(["apt-get", "update"], capture_output=True, check=False)
    return False


def _extract(spec: DocumentSpec, deb: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="answer-quality-") as scratch:
        subprocess.run(["dpkg-deb", "-x", str(deb), scratch], check=True, capture_output=True)
        file = Path(scratch) / spec.path
        if not file.is_file():
            raise CorpusError(f"{spec.key}: {deb.name} has no /{spec.path}")
        data = file.resolve().read_bytes()
        return gzip.decompress(data) if spec.path.endswith(".gz") else data


def _file_version(version: str) -> str:
    # .deb file names drop the epoch's colon as `%3a`.
    return version.replace(":", "%3a")


def clear_cache(cache: Path | None = None) -> None:
    shutil.rmtree(cache or cache_dir(), ignore_errors=True)
