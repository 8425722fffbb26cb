"""Bytecode for the runtime's Python, compiled into the archives at build time.

`/var/task` and `/opt` are read-only on Lambda, so a function shipped as source compiles
every module it imports on every cold start (about half of its import time). Only a
Python 3.13 interpreter writes bytecode that the python3.13 runtime loads, so the build
looks for one: `DOC_AGENT_BYTECODE_PYTHON` (a path, or `none` to ship source only), else
the interpreter running the build when it is 3.13, else a working `python3.13` on the
PATH, else pyenv's newest 3.13 (`$PYENV_ROOT/versions/3.13.*`, which pyenv's shim does
not run unless 3.13 is selected). Without one the archives hold source only: the
functions work, their cold starts are slower, and the build says so.

Bytecode is written in `unchecked-hash` mode: each `.pyc` records a hash of its source
instead of a timestamp (so the same sources give the same bytes) and is loaded without
re-reading the source. Compiled paths are the ones Lambda loads from (`/var/task/...`,
`/opt/python/...`), so tracebacks name real files. Test directories are not compiled:
nothing imports them at run time.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lambda_build.errors import PackagingError

COMPILER_ENV = "DOC_AGENT_BYTECODE_PYTHON"
RUNTIME_CACHE_TAG = "cpython-313"
_NONE = "none"
SOURCE_ONLY = "source only"
"""The staleness digests' entry for archives built without a compiler."""
_NOT_IMPORTED = r"[/\\]tests?[/\\]"
_PROBE = "import sys; print(sys.implementation.cache_tag, sys.version.split()[0])"


@dataclass(frozen=True)
class BytecodeCompiler:
    executable: str
    cache_tag: str
    """`cpython-313`: the `__pycache__/*.{tag}.pyc` names this interpreter writes."""
    version: str

    @property
    def identity(self) -> str:
        """What the archives' bytes depend on, for the staleness digests."""
        return f"{self.cache_tag} {self.version}"


def current_interpreter() -> BytecodeCompiler:
    """The interpreter running this code (tests compile with it: any version will do)."""
    return BytecodeCompiler(sys.executable, sys.implementation.cache_tag, _version())


def find_compiler(
    env: Mapping[str, str] = os.environ,
    which: Callable[[str], str | None] = shutil.which,
    running: BytecodeCompiler | None = None,
) -> BytecodeCompiler | None:
    """A Python 3.13 to compile with, or None when there is none (source-only archives).

    `running` is the interpreter running the build (default: this one).

    Raises PackagingError when DOC_AGENT_BYTECODE_PYTHON names something that is not a
    working Python 3.13: a deployer who set it wants bytecode, not a silent fallback.
    """
    chosen = env.get(COMPILER_ENV, "").strip()
    if chosen.lower() == _NONE:
        return None
    if chosen:
        found = probe(chosen)
        if found is None or found.cache_tag != RUNTIME_CACHE_TAG:
            what = "does not run" if found is None else f"is {found.version}"
            raise PackagingError(
                f"{COMPILER_ENV}={chosen} {what}: it must name a Python 3.13 interpreter "
                f"(the Lambda runtime's version), or be `{_NONE}` to ship source only"
            )
        return found
    running = running or current_interpreter()
    if running.cache_tag == RUNTIME_CACHE_TAG:
        return running
    on_path = which("python3.13")
    for candidate in ([on_path] if on_path else []) + _pyenv_interpreters(env):
        found = probe(candidate)
        if found is not None and found.cache_tag == RUNTIME_CACHE_TAG:
            return found
    return None


@functools.cache
def machine_compiler() -> BytecodeCompiler | None:
    """`find_compiler()` for this process: searched once, however many functions it builds."""
    return find_compiler()


def _pyenv_interpreters(env: Mapping[str, str]) -> list[str]:
    """pyenv's 3.13 interpreters, newest first."""
    root = Path(env.get("PYENV_ROOT") or Path.home() / ".pyenv")
    found = root.glob("versions/3.13*/bin/python3.13")
    return [str(path) for path in sorted(found, key=_version_key, reverse=True)]


def _version_key(interpreter: Path) -> tuple[int, ...]:
    name = interpreter.parents[1].name  # versions/<name>/bin/python3.13
    return tuple(int(part) if part.isdigit() else -1 for part in name.split("."))


def probe(executable: str) -> BytecodeCompiler | None:
    """The interpreter's cache tag and version, or None if it does not run."""
    try:
        completed = subprocess.run(  # noqa: S603 - runs the named interpreter, no shell
            [executable, "-I", "-c", _PROBE],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = completed.stdout.split()
    if completed.returncode != 0 or len(parts) != 2:
        return None
    return BytecodeCompiler(executable, parts[0], parts[1])


def compile_tree(compiler: BytecodeCompiler, root: Path, runtime_dir: str, *, strict: bool) -> None:
    """Write `__pycache__/*.pyc` next to every module under `root`.

    `runtime_dir` is where `root` is on Lambda (`/var/task`, `/opt/python`). With
    `strict`, a module that does not compile is an error (our handlers); without, it is
    left as source (a third-party file for another Python, which Lambda would not import
    either).
    """
    root = root.resolve()
    command = [
        compiler.executable,
        "-m",
        "compileall",
        "-q",
        "--invalidation-mode",
        "unchecked-hash",
        "-s",
        str(root),
        "-p",
        runtime_dir,
        "-x",
        _NOT_IMPORTED,
        str(root),
    ]
    # Sets and frozensets in constants are marshalled in hash order: fix the seed.
    completed = subprocess.run(  # noqa: S603 - a fixed command line, no shell
        command,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if completed.returncode != 0 and strict:
        tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-15:])
        raise PackagingError(f"compiling {root} with {compiler.executable} failed:\n{tail}")


def _version() -> str:
    return sys.version.split()[0]
