"""The code archive: the handler modules the function can import, nothing else."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lambda_build.code_archive import function_sources
from lambda_build.deterministic_zip import write_deterministic_zip
from lambda_build.errors import PackagingError
from lambda_build.lambda_package import FUNCTIONS, REPO_ROOT
from tests.packaging.conftest import COMPILER, Build


def test_code_archive_holds_what_the_handler_imports(first_build: Build):
    with zipfile.ZipFile(first_build.package.code_archive) as zf:
        names = sorted(zf.namelist())

    # The module-level and the lazy (in-function) imports are followed, each with the
    # bytecode the build compiled for it; the other functions' handlers, tests, the
    # source tree's stale caches and notes are not in it
    sources = [
        "handlers/__init__.py",
        "handlers/api.py",
        "handlers/core/__init__.py",
        "handlers/core/clients.py",
        "handlers/core/layout.py",
    ]
    assert names == sorted(sources + [_cached(source) for source in sources])


def _cached(source: str) -> str:
    folder, _, module = source.rpartition("/")
    return f"{folder}/__pycache__/{module.removesuffix('.py')}.{COMPILER().cache_tag}.pyc"


def test_each_function_gets_its_own_modules(source_tree: Path):
    names = [name for name, _ in function_sources(source_tree, "agent")]
    assert names == [
        "handlers/__init__.py",
        "handlers/agent.py",
        "handlers/core/__init__.py",
        "handlers/core/text.py",
    ]


def test_code_archive_contents_are_the_sources(first_build: Build):
    with zipfile.ZipFile(first_build.package.code_archive) as zf:
        archived = zf.read("handlers/api.py")
    assert archived == (first_build.source_root / "handlers" / "api.py").read_bytes()


def test_a_function_without_a_handler_module_is_a_clear_error(source_tree: Path):
    with pytest.raises(PackagingError, match=r"'search' has no handler module"):
        function_sources(source_tree, "search")


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_real_function_imports_from_its_archive_alone(function: str, tmp_path: Path):
    # Given the function's code archive, built from the repository and extracted
    entries = function_sources(REPO_ROOT, function)
    archive = tmp_path / "code.zip"
    write_deterministic_zip(entries, archive)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "task")
    names = [name for name, _ in entries]
    assert f"handlers/{function}.py" in names
    assert not [name for name in names if "/tests/" in name or "/requirements/" in name]

    # When a fresh interpreter imports the handler with only the archive on the path
    # (the venv provides the dependency layer's packages), then it loads
    probe = f"import handlers.{function} as m; assert callable(m.lambda_handler)"
    completed = subprocess.run(
        [sys.executable, "-P", "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "task"), "AWS_DEFAULT_REGION": "eu-west-1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
