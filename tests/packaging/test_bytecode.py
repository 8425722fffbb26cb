"""Bytecode in the archives: which interpreter compiles it, and what it writes."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_build import bytecode
from lambda_build.bytecode import (
    COMPILER_ENV,
    BytecodeCompiler,
    compile_tree,
    current_interpreter,
    find_compiler,
)
from lambda_build.errors import PackagingError

# Bytecode header: magic (4 bytes), flags (4), then the source hash (8) for hash-based pycs.
HASH_BASED = 0b01
CHECK_SOURCE = 0b10


def fake_python(path: Path, answer: str, exit_code: int = 0) -> str:
    """A stand-in interpreter that answers the probe as a real one would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{answer}'\nexit {exit_code}\n")
    path.chmod(0o755)
    return str(path)


def nothing_on_path(name: str) -> str | None:
    return None


# The build's own interpreter, when it is not 3.13 (the search goes on) or when it is.
PY311 = BytecodeCompiler("/usr/bin/python3.11", "cpython-311", "3.11.7")
PY313 = BytecodeCompiler("/opt/python3.13/bin/python3", "cpython-313", "3.13.2")


def test_the_named_python_313_is_used(tmp_path: Path) -> None:
    python = fake_python(tmp_path / "py313", "cpython-313 3.13.4")
    found = find_compiler({COMPILER_ENV: python}, nothing_on_path)
    assert found is not None
    assert (found.executable, found.cache_tag, found.version) == (python, "cpython-313", "3.13.4")


@pytest.mark.parametrize(
    ("answer", "exit_code", "reason"),
    [("cpython-311 3.11.7", 0, "is 3.11.7"), ("", 127, "does not run")],
)
def test_a_named_python_that_is_not_313_fails_the_build(
    tmp_path: Path, answer: str, exit_code: int, reason: str
) -> None:
    python = fake_python(tmp_path / "python", answer, exit_code)
    with pytest.raises(PackagingError, match=f"{COMPILER_ENV}={python} {reason}: .*3.13"):
        find_compiler({COMPILER_ENV: python}, nothing_on_path)


def test_a_missing_named_python_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(PackagingError, match="does not run"):
        find_compiler({COMPILER_ENV: str(tmp_path / "nowhere")}, nothing_on_path)


def test_none_ships_source_only(tmp_path: Path) -> None:
    fake_python(
        tmp_path / "pyenv" / "versions" / "3.13.1" / "bin" / "python3.13", "cpython-313 3.13.1"
    )
    env = {COMPILER_ENV: "none", "PYENV_ROOT": str(tmp_path / "pyenv")}
    assert find_compiler(env, lambda name: "/usr/bin/python3.13") is None


def test_a_broken_shim_on_the_path_falls_through_to_pyenvs_newest_313(tmp_path: Path) -> None:
    # Given pyenv's shim (which fails unless 3.13 is the selected version) and two 3.13s
    shim = fake_python(tmp_path / "shims" / "python3.13", "pyenv: python3.13: not found", 127)
    versions = tmp_path / "pyenv" / "versions"
    for version in ("3.13.9", "3.13.10", "3.12.4"):
        tag = "cpython-313" if version.startswith("3.13") else "cpython-312"
        fake_python(versions / version / "bin" / "python3.13", f"{tag} {version}")

    found = find_compiler({"PYENV_ROOT": str(tmp_path / "pyenv")}, lambda name: shim, PY311)

    assert found is not None
    assert found.version == "3.13.10"


def test_without_any_313_the_archives_are_source_only(tmp_path: Path) -> None:
    env = {"PYENV_ROOT": str(tmp_path / "no-pyenv")}
    assert find_compiler(env, nothing_on_path, PY311) is None


def test_a_build_running_on_313_compiles_with_itself(tmp_path: Path) -> None:
    shim = fake_python(tmp_path / "python3.13", "cpython-313 3.13.9")
    assert find_compiler({}, lambda name: shim, PY313) == PY313


def _tree(root: Path) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/mod.py": "VALUE = 1\nKINDS = {'pdf', 'docx', 'txt', 'md', 'html'}\n",
        "pkg/tests/test_mod.py": "def test_x():\n    pass\n",
        "pkg/py2_only.py": "print 'hello'\n",
        "pkg/data.json": "{}",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _pyc(root: Path, module: str) -> Path:
    folder, _, name = module.rpartition("/")
    return root / folder / "__pycache__" / f"{name}.{sys.implementation.cache_tag}.pyc"


def test_modules_are_compiled_where_lambda_loads_them_except_tests(tmp_path: Path) -> None:
    root = _tree(tmp_path / "task")

    compile_tree(current_interpreter(), root, "/var/task", strict=False)

    compiled = sorted(path.relative_to(root).as_posix() for path in root.rglob("*.pyc"))
    assert compiled == [
        _pyc(root, m).relative_to(root).as_posix() for m in ("pkg/__init__", "pkg/mod")
    ]
    data = _pyc(root, "pkg/mod").read_bytes()
    flags = int.from_bytes(data[4:8], "little")
    # unchecked-hash: a source hash instead of a timestamp, not checked at import
    assert flags & HASH_BASED
    assert not flags & CHECK_SOURCE
    code = marshal.loads(data[16:])  # noqa: S302 - bytecode this test just compiled
    assert code.co_filename == "/var/task/pkg/mod.py"


def test_compiling_is_deterministic(tmp_path: Path) -> None:
    first, second = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    os.utime(second / "pkg" / "mod.py", (0, 0))  # times must not matter

    for root in (first, second):
        compile_tree(current_interpreter(), root, "/opt/python", strict=False)

    assert _pyc(first, "pkg/mod").read_bytes() == _pyc(second, "pkg/mod").read_bytes()


def test_the_bytecode_is_loaded_without_reading_the_source_again(tmp_path: Path) -> None:
    # Given a compiled module whose source changed afterwards
    root = _tree(tmp_path / "task")
    compile_tree(current_interpreter(), root, "/var/task", strict=False)
    (root / "pkg" / "mod.py").write_text("VALUE = 2\n")

    # When a fresh interpreter imports it, then the compiled VALUE is what it gets
    probe = "import pkg.mod; print(pkg.mod.VALUE, pkg.mod.__cached__ is not None)"
    completed = subprocess.run(
        [sys.executable, "-P", "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.split() == ["1", "True"]


def test_a_module_of_ours_that_does_not_compile_fails_a_strict_build(tmp_path: Path) -> None:
    root = _tree(tmp_path / "task")
    with pytest.raises(PackagingError, match=r"py2_only\.py"):
        compile_tree(current_interpreter(), root, "/var/task", strict=True)


def test_the_machine_is_searched_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    searches: list[None] = []

    def search() -> BytecodeCompiler | None:
        searches.append(None)
        return PY313

    monkeypatch.setattr(bytecode, "find_compiler", search)
    bytecode.machine_compiler.cache_clear()
    try:
        assert [bytecode.machine_compiler() for _ in range(3)] == [PY313] * 3
        assert len(searches) == 1
    finally:
        bytecode.machine_compiler.cache_clear()
