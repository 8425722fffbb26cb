"""The code archive: the handlers package's Python sources, nothing else."""

from __future__ import annotations

import zipfile

from components.lambda_package import REPO_ROOT
from components.packaging.code_archive import handler_sources
from tests.packaging.conftest import Build


def test_code_archive_holds_the_handlers_package_only(first_build: Build):
    with zipfile.ZipFile(first_build.package.code_archive) as zf:
        names = sorted(zf.namelist())
    assert names == [
        "handlers/__init__.py",
        "handlers/agent.py",
        "handlers/api.py",
        "handlers/core/__init__.py",
        "handlers/core/layout.py",
        "handlers/ingest.py",
    ]


def test_code_archive_contents_are_the_sources(first_build: Build):
    with zipfile.ZipFile(first_build.package.code_archive) as zf:
        archived = zf.read("handlers/api.py")
    assert archived == (first_build.source_root / "handlers" / "api.py").read_bytes()


def test_repository_handlers_are_archived_without_tests_or_requirements():
    # Given the real handlers package
    names = [name for name, _ in handler_sources(REPO_ROOT)]

    # Then its modules are there, under the import path the handler strings use
    assert "handlers/__init__.py" in names
    assert "handlers/core/settings.py" in names
    assert "handlers/core/layout.py" in names
    assert all(name.startswith("handlers/") and name.endswith(".py") for name in names)
    assert not [name for name in names if "/tests/" in name or "/requirements/" in name]
    assert not [name for name in names if name.rsplit("/", 1)[-1].startswith("test_")]
