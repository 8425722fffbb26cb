"""Installing one function's dependency set as Lambda (python3.13, arm64) will load it.

pip installs wheels for the target platform from this x86_64 machine: `--platform`,
`--python-version`, `--implementation` and `--only-binary=:all:` make it choose the
aarch64 cp313 wheels, never a local build. (pip still evaluates environment markers
against the interpreter it runs on, so a dependency gated on `python_version >= "3.12"`
would be missed: none of ours is.) The result is laid out as a layer (`python/`
prefix) and pruned of what would make it non-deterministic or is already in the runtime.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from lambda_build.errors import DependencyInstallError

LAMBDA_PYTHON_VERSION = "3.13"
LAMBDA_IMPLEMENTATION = "cp"
# The python3.13 runtime is Amazon Linux 2023 (glibc 2.34). pip takes each --platform as
# one exact tag (it expands only the legacy aliases, and only on x86), while wheels declare
# different glibc floors: pydantic-core and lxml ship manylinux2014 / manylinux_2_17, numpy
# 2.4 only manylinux_2_27 / _2_28. So every tag the runtime can load is listed, newest
# first (pip prefers earlier tags when a release has several wheels).
RUNTIME_GLIBC_MINOR = 34
LAMBDA_PLATFORMS: tuple[str, ...] = (
    *(f"manylinux_2_{minor}_aarch64" for minor in range(RUNTIME_GLIBC_MINOR, 16, -1)),
    "manylinux2014_aarch64",
)
# The runtime ships the AWS SDK and what it depends on; a copy in the layer would only add
# ~27 MB and shadow the runtime's. Distribution name -> the names it installs at the top.
RUNTIME_PROVIDED: dict[str, tuple[str, ...]] = {
    "boto3": ("boto3",),
    "botocore": ("botocore",),
    "s3transfer": ("s3transfer",),
    "jmespath": ("jmespath",),
    "python-dateutil": ("dateutil",),
    "six": ("six.py",),
    "urllib3": ("urllib3",),
}
LAYER_PREFIX = "python"
# pip's bookkeeping: RECORD lists console scripts whose shebang names this machine's
# interpreter, INSTALLER/REQUESTED/direct_url.json describe the install, not the package.
_DIST_INFO_NOISE = ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")
_INCLUDE = re.compile(r"^(?:-r|-c|--requirement|--constraint)(?:\s+|=)(?P<path>\S+)")


def requirement_files(requirements: Path) -> list[Path]:
    """The file and every file it includes (`-r`/`-c`, relative to the including file).

    All of them decide what pip installs, so all of them go into the staleness digest.
    """
    found: list[Path] = []
    pending = [requirements]
    while pending:
        path = pending.pop()
        if path in found:
            continue
        found.append(path)
        for line in path.read_text().splitlines():
            if include := _INCLUDE.match(line.strip()):
                pending.append(path.parent / include["path"])
    return found


def pip_command(requirements: Path, target: Path) -> list[str]:
    platforms = [arg for platform in LAMBDA_PLATFORMS for arg in ("--platform", platform)]
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
        "--no-compile",
        "--quiet",
        *platforms,
        "--implementation",
        LAMBDA_IMPLEMENTATION,
        "--python-version",
        LAMBDA_PYTHON_VERSION,
        "--only-binary=:all:",
        "--target",
        str(target),
        "--requirement",
        str(requirements),
    ]


def install_dependency_set(function: str, requirements: Path, staging: Path) -> Path:
    """Install `requirements` into `staging/python`, pruned; return that directory."""
    if staging.exists():
        shutil.rmtree(staging)
    target = staging / LAYER_PREFIX
    target.mkdir(parents=True)
    command = pip_command(requirements, target)
    completed = subprocess.run(  # noqa: S603 - a fixed pip command line, no shell
        command, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise DependencyInstallError(
            function, command, completed.returncode, completed.stdout + completed.stderr
        )
    prune_installed(target)
    return target


def prune_installed(target: Path) -> None:
    """Drop runtime-provided packages, scripts, bytecode caches and pip's install records."""
    for distribution, top_level in RUNTIME_PROVIDED.items():
        for name in top_level:
            _remove(target / name)
        for dist_info in target.glob(f"{distribution.replace('-', '_')}-*.dist-info"):
            _remove(dist_info)
    _remove(target / "bin")
    for cache in sorted(target.rglob("__pycache__"), reverse=True):
        _remove(cache)
    for dist_info in target.glob("*.dist-info"):
        for noise in _DIST_INFO_NOISE:
            _remove(dist_info / noise)


def layer_entries(target: Path) -> list[tuple[str, Path]]:
    """Every installed file under its layer path (`python/...`)."""
    root = target.parent
    return [
        (path.relative_to(root).as_posix(), path)
        for path in target.rglob("*")
        if path.is_file() and not path.is_symlink()
    ]


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
