"""Small stand-ins for the model wheels of `lambda_build.model_files`: no pip, no download."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from lambda_build.model_files import PinnedWheel

PREFIX = "fakemodel/data/"
FILES = ("model.onnx", "vocab.txt")
NOTICE = b"FakeModel\nLicensed under the Apache License, Version 2.0.\n"


def model_bytes(version: str) -> dict[str, bytes]:
    return {
        "model.onnx": f"onnx graph {version}\n".encode() * 100,
        "vocab.txt": b"[PAD]\n[UNK]\nthe\n",
    }


def write_wheel(
    folder: Path, version: str = "1.0", *, name: str = "fake-model", omit: str | None = None
) -> PinnedWheel:
    """A wheel file holding a model under PREFIX, and the pin that matches it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"fakemodel-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for file, content in model_bytes(version).items():
            if file != omit:
                archive.writestr(PREFIX + file, content)
        archive.writestr("fakemodel/__init__.py", "")
        archive.writestr(f"fakemodel-{version}.dist-info/licenses/NOTICE", NOTICE)
    return PinnedWheel(
        name=name,
        requirement=f"fakemodel=={version}",
        wheel=path.name,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        prefix=PREFIX,
        files=FILES,
        licences=(f"fakemodel-{version}.dist-info/licenses/NOTICE",),
    )
