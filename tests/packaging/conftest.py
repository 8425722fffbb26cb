"""One real build of a small source tree, shared by the packaging tests.

The `api` dependency set (Powertools + pydantic, ~10 MB, with pydantic-core's native
extension) is installed for arm64 twice, into two build folders; pip's wheel cache keeps
the second install cheap. Tests that change files work on copies (`warm_build`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from lambda_build import lambda_package
from lambda_build.bytecode import current_interpreter
from lambda_build.lambda_package import REPO_ROOT, FunctionPackage, ensure_built

# The tests compile bytecode with the interpreter running them (any Python will do), so
# they exercise the same build on every machine, with or without a Python 3.13.
COMPILER = current_interpreter

SYNTHETIC_SOURCES = {
    "handlers/__init__.py": "",
    "handlers/api.py": (
        "from handlers.core.layout import PARTITION_KEY\n\n\n"
        "def lambda_handler(event, context):\n"
        "    from handlers.core import clients  # lazy, as the real handlers do\n\n"
        "    return {'statusCode': 200, 'key': PARTITION_KEY, 'client': clients.NAME}\n"
    ),
    "handlers/agent.py": "import handlers.core.text\n\n\ndef lambda_handler(event, context):\n"
    "    return {}\n",
    "handlers/ingest.py": "def lambda_handler(event, context):\n    return {}\n",
    "handlers/core/__init__.py": "",
    "handlers/core/layout.py": "PARTITION_KEY = 'PK'\n",
    "handlers/core/clients.py": "NAME = 's3'\n",
    "handlers/core/text.py": "from typing import TYPE_CHECKING\n",
    # What must stay out of the archive:
    "handlers/tests/__init__.py": "",
    "handlers/tests/test_api.py": "import handlers.api\n",
    "handlers/core/test_layout.py": "def test_nothing():\n    pass\n",
    "handlers/conftest.py": "",
    "handlers/__pycache__/api.cpython-311.pyc": "not bytecode",
    "handlers/core/README.md": "notes\n",
    "handlers/.scratch/draft.py": "x = 1\n",
}


@dataclass(frozen=True)
class Build:
    source_root: Path
    build_root: Path
    package: FunctionPackage
    messages: tuple[str, ...]


def write_source_tree(root: Path) -> Path:
    for relative, text in SYNTHETIC_SOURCES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    requirements = root / "handlers" / "requirements"
    requirements.mkdir()
    # The function's file and the constraints file it includes with -c.
    for name in ("api.txt", "constraints.txt"):
        shutil.copy(REPO_ROOT / "handlers" / "requirements" / name, requirements / name)
    return root


def build_api(source_root: Path, build_root: Path) -> Build:
    messages: list[str] = []
    package = ensure_built(
        "api",
        source_root=source_root,
        build_root=build_root,
        report=messages.append,
        bytecode=COMPILER,
    )
    return Build(source_root, build_root, package, tuple(messages))


@pytest.fixture(scope="session")
def source_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_source_tree(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="session")
def first_build(source_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build_api(source_tree, tmp_path_factory.mktemp("build-1"))


@pytest.fixture(scope="session")
def second_build(source_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build_api(source_tree, tmp_path_factory.mktemp("build-2"))


@pytest.fixture
def warm_build(first_build: Build, tmp_path: Path) -> Build:
    """A private copy of the first build's sources and artifacts, free to change."""
    source_root = tmp_path / "source"
    build_root = tmp_path / "build"
    shutil.copytree(first_build.source_root, source_root)
    shutil.copytree(first_build.build_root, build_root)
    return Build(source_root, build_root, first_build.package, ())


@pytest.fixture
def fake_installs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replace pip with a stand-in that records its calls and installs one file."""
    calls: list[Path] = []

    def install(function: str, requirements: Path, staging: Path) -> Path:
        calls.append(requirements)
        target = staging / "python"
        target.mkdir(parents=True)
        (target / "fake.py").write_text(requirements.read_text())
        return target

    monkeypatch.setattr(lambda_package, "install_dependency_set", install)
    return calls


@pytest.fixture
def model_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty model cache (`lambda_build.model_files.cache_dir()`) for this test."""
    folder = tmp_path / "model-cache"
    monkeypatch.setenv("DOC_AGENT_EMBEDDERS_CACHE", str(folder))
    return folder
