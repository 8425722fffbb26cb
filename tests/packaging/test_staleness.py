"""Rebuild what is missing or stale, and nothing else."""

from __future__ import annotations

import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from lambda_build import lambda_package
from lambda_build.lambda_package import FunctionPackage, ensure_built, format_table
from tests.packaging.conftest import COMPILER, Build


def _ensure(build: Build, messages: list[str]) -> FunctionPackage:
    return ensure_built(
        "api",
        source_root=build.source_root,
        build_root=build.build_root,
        report=messages.append,
        bytecode=COMPILER,
    )


def test_an_up_to_date_build_is_reused_without_rewriting(warm_build: Build, fake_installs):
    # Given a complete build
    code = warm_build.build_root / "api" / "code.zip"
    layer = warm_build.build_root / "api" / "layer.zip"
    times = (code.stat().st_mtime_ns, layer.stat().st_mtime_ns)

    # When it is asked for again
    messages: list[str] = []
    package = _ensure(warm_build, messages)

    # Then nothing is rebuilt and the hashes are the recorded ones
    assert messages == []
    assert fake_installs == []
    assert (code.stat().st_mtime_ns, layer.stat().st_mtime_ns) == times
    assert package.code_sha256 == warm_build.package.code_sha256
    assert package.layer_sha256 == warm_build.package.layer_sha256


def test_a_changed_handler_rebuilds_the_code_archive_only(warm_build: Build, fake_installs):
    # Given a handler edited after the build
    handler = warm_build.source_root / "handlers" / "api.py"
    handler.write_text(handler.read_text() + "# changed\n")

    # When the package is asked for
    messages: list[str] = []
    package = _ensure(warm_build, messages)

    # Then the code archive is rebuilt with a new hash and the layer is kept
    assert [message for message in messages if "code archive" in message]
    assert fake_installs == []
    assert package.code_sha256 != warm_build.package.code_sha256
    assert package.layer_sha256 == warm_build.package.layer_sha256


def test_a_changed_lazily_imported_module_rebuilds_the_code_archive(
    warm_build: Build, fake_installs
):
    (warm_build.source_root / "handlers" / "core" / "clients.py").write_text("NAME = 'sqs'\n")
    package = _ensure(warm_build, [])
    assert package.code_sha256 != warm_build.package.code_sha256


def test_another_functions_change_leaves_this_archive_alone(warm_build: Build, fake_installs):
    # Given edits to modules the api handler does not import
    handlers = warm_build.source_root / "handlers"
    (handlers / "ingest.py").write_text("def lambda_handler(event, context):\n    return 1\n")
    (handlers / "core" / "text.py").write_text("WORDS = 800\n")
    (handlers / "core" / "ids.py").write_text("PREFIX = 'x'\n")

    # When the api package is asked for, then nothing is rebuilt
    messages: list[str] = []
    package = _ensure(warm_build, messages)
    assert messages == []
    assert package.code_sha256 == warm_build.package.code_sha256


def test_a_changed_requirements_file_rebuilds_the_layer(warm_build: Build, fake_installs):
    # Given the api's requirements edited after the build
    requirements = warm_build.source_root / "handlers" / "requirements" / "api.txt"
    requirements.write_text(requirements.read_text() + "# pinned again\n")

    # When the package is asked for
    package = _ensure(warm_build, [])

    # Then pip runs once for it, and the code archive is kept
    assert fake_installs == [requirements]
    assert package.layer_sha256 != warm_build.package.layer_sha256
    assert package.code_sha256 == warm_build.package.code_sha256


def test_another_bytecode_compiler_rebuilds_both_archives(warm_build: Build, fake_installs):
    # Given a build with bytecode, asked for again where there is no compiler
    messages: list[str] = []
    package = ensure_built(
        "api",
        source_root=warm_build.source_root,
        build_root=warm_build.build_root,
        report=messages.append,
        bytecode=lambda: None,
    )

    # Then both archives are rebuilt, as source only
    assert len(fake_installs) == 1
    assert [message.endswith("source only)") for message in messages] == [True, False, True]
    assert messages[1].startswith("  no Python 3.13 found to compile bytecode with")
    assert package.code_sha256 != warm_build.package.code_sha256
    with zipfile.ZipFile(package.code_archive) as zf:
        assert not [name for name in zf.namelist() if name.endswith(".pyc")]


def test_a_tampered_archive_is_rebuilt(warm_build: Build, fake_installs):
    layer = warm_build.build_root / "api" / "layer.zip"
    layer.write_bytes(b"not the recorded archive")
    _ensure(warm_build, [])
    assert len(fake_installs) == 1


def test_a_missing_archive_is_rebuilt(warm_build: Build, fake_installs):
    (warm_build.build_root / "api" / "code.zip").unlink()
    package = _ensure(warm_build, [])
    assert package.code_archive.is_file()
    assert package.code_sha256 == warm_build.package.code_sha256
    assert fake_installs == []


def test_force_rebuilds_everything(warm_build: Build, fake_installs):
    messages: list[str] = []
    ensure_built(
        "api",
        source_root=warm_build.source_root,
        build_root=warm_build.build_root,
        force=True,
        report=messages.append,
        bytecode=COMPILER,
    )
    assert len(fake_installs) == 1
    assert len(messages) == 2


def test_the_build_table_lists_each_function(first_build: Build):
    table = format_table([first_build.package])
    header, row = table.splitlines()
    assert header.split()[:2] == ["function", "deps"]
    assert row.split()[0] == "api"
    assert first_build.package.layer_sha256 in row


def test_a_changed_included_constraints_file_rebuilds_the_layer(warm_build: Build, fake_installs):
    # Given requirements that include a constraints file, built once
    folder = warm_build.source_root / "handlers" / "requirements"
    (folder / "constraints.txt").write_text("jmespath==1.1.0\n")
    requirements = folder / "api.txt"
    requirements.write_text(requirements.read_text() + "--constraint=constraints.txt\n")
    _ensure(warm_build, [])
    assert len(fake_installs) == 1

    # When only the included file changes, then the layer is rebuilt again
    (folder / "constraints.txt").write_text("jmespath==1.0.1\n")
    _ensure(warm_build, [])
    assert len(fake_installs) == 2

    # And when nothing changes, it is not
    _ensure(warm_build, [])
    assert len(fake_installs) == 2


def test_concurrent_builds_of_one_function_install_once(
    warm_build: Build, monkeypatch: pytest.MonkeyPatch
):
    # Given a stale layer and a slow pip
    requirements = warm_build.source_root / "handlers" / "requirements" / "api.txt"
    requirements.write_text(requirements.read_text() + "# changed\n")
    calls: list[Path] = []

    def slow_install(function: str, requirements: Path, staging: Path) -> Path:
        calls.append(requirements)
        time.sleep(0.3)
        target = staging / "python"
        target.mkdir(parents=True)
        (target / "fake.py").write_text("x = 1\n")
        return target

    monkeypatch.setattr(lambda_package, "install_dependency_set", slow_install)

    # When two builds of it start together
    with ThreadPoolExecutor(max_workers=2) as pool:
        packages = list(pool.map(lambda _: _ensure(warm_build, []), range(2)))

    # Then pip runs once, and both get the same artifacts
    assert len(calls) == 1
    assert packages[0] == packages[1]
