"""The dependency layer: built for Lambda's arm64 python3.13, laid out as a layer, bounded."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from lambda_build import lambda_package
from lambda_build.dependency_set import RUNTIME_PROVIDED, prune_installed
from lambda_build.errors import (
    DependencyInstallError,
    PackageTooLargeError,
    PackagingError,
)
from lambda_build.lambda_package import ensure_built
from tests.packaging.conftest import COMPILER, Build

EM_AARCH64 = 183
ELFCLASS64 = 2


def _layer_members(build: Build) -> dict[str, bytes]:
    with zipfile.ZipFile(build.package.layer_archive) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _elf_machine(header: bytes) -> int:
    assert header[:4] == b"\x7fELF", "a shared library is an ELF file"
    assert header[4] == ELFCLASS64
    if header[5] == 1:
        return int.from_bytes(header[18:20], "little")
    return int.from_bytes(header[18:20], "big")


def test_native_libraries_are_aarch64(first_build: Build):
    # Given the layer built on this x86_64 machine
    members = _layer_members(first_build)
    libraries = [name for name in members if name.endswith(".so") or ".so." in name]

    # Then it has native code (pydantic-core) and every library is built for aarch64
    assert any("pydantic_core" in name for name in libraries)
    machines = {name: _elf_machine(members[name][:20]) for name in libraries}
    assert set(machines.values()) == {EM_AARCH64}, machines


def test_wheel_tags_are_cp313_aarch64_or_pure_python(first_build: Build):
    members = _layer_members(first_build)
    tags = [
        line.removeprefix("Tag: ").strip()
        for name, content in members.items()
        if name.endswith(".dist-info/WHEEL")
        for line in content.decode().splitlines()
        if line.startswith("Tag: ")
    ]
    assert tags
    for tag in tags:
        python, abi, platform = tag.split("-")
        assert platform == "any" or platform.endswith("_aarch64"), tag
        assert platform == "any" or python in {"cp313", "py3"}, tag
        assert abi in {"none", "abi3", "cp313"}, tag


def test_layer_is_laid_out_for_lambda_without_install_noise(first_build: Build):
    names = list(_layer_members(first_build))
    assert all(name.startswith("python/") for name in names)
    assert "python/pydantic/__init__.py" in names
    assert "python/aws_lambda_powertools/__init__.py" in names
    # pip's own bytecode (for this machine's Python) is dropped; the build's is there
    tag = COMPILER().cache_tag
    compiled = [name for name in names if name.endswith(".pyc")]
    assert "python/pydantic/__pycache__/__init__." + tag + ".pyc" in compiled
    assert all(name.endswith(f".{tag}.pyc") for name in compiled)
    assert not [name for name in names if name.startswith("python/bin/")]
    assert not [name for name in names if name.endswith((".dist-info/RECORD", "/INSTALLER"))]
    runtime_tops = {top for tops in RUNTIME_PROVIDED.values() for top in tops}
    assert not [name for name in names if name.split("/")[1] in runtime_tops]
    # Powertools needs jmespath and the X-Ray SDK botocore's helpers: the runtime has them.
    assert not [name for name in names if name.split("/")[1].startswith(("jmespath", "urllib3"))]


def test_layer_unzipped_size_is_what_lambda_counts(first_build: Build):
    with zipfile.ZipFile(first_build.package.layer_archive) as zf:
        expected = sum(info.file_size for info in zf.infolist())
    assert first_build.package.layer_unzipped_bytes == expected
    assert 1_000_000 < expected < lambda_package.LAMBDA_UNZIPPED_LIMIT_BYTES


def test_pruning_drops_runtime_sdk_scripts_caches_and_records(tmp_path: Path):
    # Given an install that pulled in the AWS SDK and its dependencies, and left pip's
    # bookkeeping behind
    files = [
        "boto3/__init__.py",
        "boto3-1.0.0.dist-info/METADATA",
        "botocore/data/x.json",
        "botocore-1.0.0.dist-info/METADATA",
        "s3transfer/__init__.py",
        "jmespath/__init__.py",
        "jmespath-1.1.0.dist-info/METADATA",
        "dateutil/parser.py",
        "python_dateutil-2.9.0.dist-info/METADATA",
        "six.py",
        "six-1.17.0.dist-info/METADATA",
        "urllib3/__init__.py",
        "urllib3-2.5.0.dist-info/METADATA",
        "bin/jp.py",
        "wrapt/__init__.py",
        "wrapt/__pycache__/__init__.cpython-313.pyc",
        "wrapt-1.17.0.dist-info/METADATA",
        "wrapt-1.17.0.dist-info/RECORD",
        "wrapt-1.17.0.dist-info/INSTALLER",
        "wrapt-1.17.0.dist-info/WHEEL",
    ]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")

    # When it is pruned
    prune_installed(tmp_path)

    # Then only the package and its metadata remain
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == [
        "wrapt-1.17.0.dist-info/METADATA",
        "wrapt-1.17.0.dist-info/WHEEL",
        "wrapt/__init__.py",
    ]


def test_too_large_a_function_fails_naming_it_and_its_size(
    warm_build: Build, monkeypatch: pytest.MonkeyPatch
):
    # Given a limit below what the api function unzips to
    monkeypatch.setattr(lambda_package, "LAMBDA_UNZIPPED_LIMIT_BYTES", 1_000_000)

    # When the (already built) package is asked for, then the limit fires
    with pytest.raises(PackageTooLargeError, match=r"'api' unzips to \d+\.\d MB") as caught:
        ensure_built(
            "api",
            source_root=warm_build.source_root,
            build_root=warm_build.build_root,
            bytecode=COMPILER,
        )
    expected = warm_build.package.layer_unzipped_bytes + warm_build.package.code_unzipped_bytes
    assert caught.value.unzipped_bytes == expected
    assert "1 MB limit" in str(caught.value)


def test_pip_failure_names_the_function_and_the_command(tmp_path: Path):
    # Given a requirements file pip cannot install (rejected before any download)
    requirements = tmp_path / "handlers" / "requirements"
    requirements.mkdir(parents=True)
    (requirements / "api.txt").write_text("not a valid requirement ==\n")

    # When the layer is built, then the error names the function and the pip command
    with pytest.raises(DependencyInstallError) as caught:
        ensure_built("api", source_root=tmp_path, build_root=tmp_path / "build", report=print)
    message = str(caught.value)
    assert "'api'" in message
    assert "pip install" in message
    assert "--platform manylinux_2_17_aarch64" in message
    assert "--only-binary=:all:" in message
    assert "Invalid requirement" in message
    assert not (tmp_path / "build" / "api" / "layer.zip").exists()


def test_a_missing_requirements_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(PackagingError, match=r"'agent' has no dependency set"):
        ensure_built("agent", source_root=tmp_path, build_root=tmp_path / "build")
