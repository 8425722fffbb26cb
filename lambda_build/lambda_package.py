"""Each function's deployable artifacts: a code archive and a dependency layer, built once.

`ensure_built("api")` returns the function's `FunctionPackage`, rebuilding only what is
missing or stale: the layer when its requirements file or the target platform changed,
the code archive when a module the function imports changed (each archive holds only
the `handlers` modules its handler can import). A function's layer also carries the
model files `lambda_build/layer_models.py` declares for it (the agent's reranker), under
`models/`; a new model pin rebuilds the layer. Both carry Python 3.13 bytecode when a
3.13 interpreter is at hand (`lambda_build/bytecode.py`). Archives are
deterministic, so an unchanged function keeps its `source_code_hash` and Pulumi does not
redeploy it.

Layout under `.build/{function}/`: `layer.zip` (+ `layer.json`, its manifest) and
`code.zip` (+ `code.json`). `make build` runs the CLI: `python -m lambda_build.lambda_package`.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lambda_build.bytecode import (
    SOURCE_ONLY,
    BytecodeCompiler,
    compile_tree,
    machine_compiler,
)
from lambda_build.code_archive import function_sources, sources_digest
from lambda_build.dependency_set import (
    LAMBDA_IMPLEMENTATION,
    LAMBDA_PLATFORMS,
    LAMBDA_PYTHON_VERSION,
    RUNTIME_PROVIDED,
    install_dependency_set,
    layer_entries,
    requirement_files,
)
from lambda_build.deterministic_zip import (
    lambda_source_code_hash,
    unzipped_bytes,
    write_deterministic_zip,
)
from lambda_build.errors import PackageTooLargeError, PackagingError
from lambda_build.layer_models import FUNCTION_MODELS, model_entries, models_identity
from lambda_build.model_files import PinnedWheel

REPO_ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ("api", "agent", "ingest", "dead_letters", "sweeper")
# Lambda's quota on a function's code plus all its layers, unzipped.
LAMBDA_UNZIPPED_LIMIT_BYTES = 262_144_000
# A zip sent inline in the API call; past this the archive must go through S3.
DIRECT_UPLOAD_LIMIT_BYTES = 50 * 1_048_576
# Past this a layer is uploaded through the artifacts bucket: an inline upload is one
# base64-encoded API call (a 40 MB zip is a 54 MB request, slow and fragile on a home
# link), and a dependency bump must not push a layer past the hard limit unnoticed.
S3_UPLOAD_THRESHOLD_BYTES = 10 * 1_048_576
# Bump when the build's output changes for the same inputs, so old builds count as stale.
BUILD_FORMAT = 2
# Where Lambda puts the code archive and the layer's `python/` folder.
TASK_ROOT = "/var/task"
LAYER_PYTHON_ROOT = "/opt/python"

Report = Callable[[str], None]
FindCompiler = Callable[[], BytecodeCompiler | None]


@dataclass(frozen=True)
class FunctionPackage:
    """What the Pulumi program needs to deploy one function."""

    function: str
    code_archive: Path
    code_sha256: str
    """Base64 SHA-256 of `code_archive`, as Lambda's `source_code_hash` wants it."""
    code_unzipped_bytes: int
    layer_archive: Path
    layer_sha256: str
    """Base64 SHA-256 of `layer_archive`."""
    layer_unzipped_bytes: int

    @property
    def unzipped_bytes(self) -> int:
        return self.code_unzipped_bytes + self.layer_unzipped_bytes

    @property
    def layer_zip_bytes(self) -> int:
        return self.layer_archive.stat().st_size

    @property
    def layer_needs_s3_upload(self) -> bool:
        """True when the layer zip is past the inline threshold (upload it to S3 first)."""
        return self.layer_zip_bytes > S3_UPLOAD_THRESHOLD_BYTES


@dataclass(frozen=True)
class _Job:
    """One function's build: where from, where to, and how."""

    function: str
    source_root: Path
    output: Path
    force: bool
    compiler: BytecodeCompiler | None
    say: Report

    @property
    def bytecode(self) -> str:
        return _bytecode_identity(self.compiler)

    def fresh(self, archive: Path, manifest: Path, inputs: str) -> _Artifact | None:
        return None if self.force else _fresh_artifact(archive, manifest, inputs)


@dataclass(frozen=True)
class _Artifact:
    archive: Path
    sha256: str
    unzipped_bytes: int


def requirements_path(function: str, source_root: Path = REPO_ROOT) -> Path:
    return source_root / "handlers" / "requirements" / f"{function}.txt"


def ensure_built(
    function: str,
    *,
    source_root: Path = REPO_ROOT,
    build_root: Path | None = None,
    force: bool = False,
    report: Report | None = None,
    bytecode: FindCompiler = machine_compiler,
) -> FunctionPackage:
    """Build what is missing or stale for `function` and return its package.

    `bytecode` finds the interpreter that compiles the archives' `.pyc` (None: source
    only). Raises PackagingError (with the function's name) when the requirements file is
    missing, pip fails, or the unzipped total passes Lambda's 250 MB limit.
    """
    output = (build_root or source_root / ".build") / function
    output.mkdir(parents=True, exist_ok=True)
    job = _Job(function, source_root, output, force, bytecode(), report or _stderr)
    # The program, `make build` and the tests may build the same function at once.
    with _exclusive(output / ".lock"):
        layer = _ensure_layer(job)
        code = _ensure_code(job)
    package = FunctionPackage(
        function=function,
        code_archive=code.archive,
        code_sha256=code.sha256,
        code_unzipped_bytes=code.unzipped_bytes,
        layer_archive=layer.archive,
        layer_sha256=layer.sha256,
        layer_unzipped_bytes=layer.unzipped_bytes,
    )
    limit = LAMBDA_UNZIPPED_LIMIT_BYTES
    if package.unzipped_bytes > limit:
        raise PackageTooLargeError(function, package.unzipped_bytes, limit)
    return package


def dependency_inputs_digest(
    requirements: Path,
    compiler: BytecodeCompiler | None,
    models: Sequence[PinnedWheel] = (),
) -> str:
    """Everything the layer's bytes depend on: requirements, target platform, bytecode,
    and the pins of the model files it carries."""
    payload = {
        "format": BUILD_FORMAT,
        "bytecode": _bytecode_identity(compiler),
        "requirements": [
            hashlib.sha256(path.read_bytes()).hexdigest()
            for path in requirement_files(requirements)
        ],
        "python": LAMBDA_PYTHON_VERSION,
        "implementation": LAMBDA_IMPLEMENTATION,
        "platforms": list(LAMBDA_PLATFORMS),
        "runtime_provided": list(RUNTIME_PROVIDED),
    }
    if models:  # absent, not empty, for a layer without models: its digest stays as it was
        payload["models"] = models_identity(models)
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _ensure_layer(job: _Job) -> _Artifact:
    requirements = requirements_path(job.function, job.source_root)
    if not requirements.is_file():
        raise PackagingError(f"function {job.function!r} has no dependency set: {requirements}")
    models = FUNCTION_MODELS.get(job.function, ())
    inputs = dependency_inputs_digest(requirements, job.compiler, models)
    archive = job.output / "layer.zip"
    if fresh := job.fresh(archive, job.output / "layer.json", inputs):
        return fresh
    job.say(
        f"building the dependency layer of {job.function} "
        f"(pip, {LAMBDA_PYTHON_VERSION}/arm64, {job.bytecode})"
    )
    if job.compiler is None:
        job.say(
            "  no Python 3.13 found to compile bytecode with: the function will compile its "
            "modules on every cold start (about twice as slow); see docs/packaging.md"
        )
    staging = job.output / "layer-staging"
    try:
        target = install_dependency_set(job.function, requirements, staging)
        if job.compiler is not None:
            compile_tree(job.compiler, target, LAYER_PYTHON_ROOT, strict=False)
        write_deterministic_zip(
            [*layer_entries(target), *model_entries(job.function, models)], archive
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _record(archive, job.output / "layer.json", inputs)


def _ensure_code(job: _Job) -> _Artifact:
    entries = function_sources(job.source_root, job.function)
    inputs = sources_digest(entries, BUILD_FORMAT, job.bytecode)
    archive = job.output / "code.zip"
    if fresh := job.fresh(archive, job.output / "code.json", inputs):
        return fresh
    job.say(f"building the code archive {archive} ({job.bytecode})")
    if job.compiler is None:
        write_deterministic_zip(entries, archive)
    else:
        staging = job.output / "code-staging"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            for name, path in entries:
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, staging / name)
            compile_tree(job.compiler, staging, TASK_ROOT, strict=True)
            write_deterministic_zip(_files_under(staging), archive)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return _record(archive, job.output / "code.json", inputs)


def _files_under(root: Path) -> list[tuple[str, Path]]:
    return [(path.relative_to(root).as_posix(), path) for path in root.rglob("*") if path.is_file()]


def _bytecode_identity(compiler: BytecodeCompiler | None) -> str:
    return SOURCE_ONLY if compiler is None else f"bytecode {compiler.identity}"


def _fresh_artifact(archive: Path, manifest: Path, inputs: str) -> _Artifact | None:
    """The recorded artifact if it was built from `inputs` and is still what was recorded."""
    if not (archive.is_file() and manifest.is_file()):
        return None
    try:
        recorded = json.loads(manifest.read_text())
        artifact = _Artifact(archive, str(recorded["sha256"]), int(recorded["unzipped_bytes"]))
        matches = recorded["inputs"] == inputs
    except (ValueError, KeyError, TypeError):
        return None
    if not matches or lambda_source_code_hash(archive) != artifact.sha256:
        return None
    return artifact


def _record(archive: Path, manifest: Path, inputs: str) -> _Artifact:
    artifact = _Artifact(archive, lambda_source_code_hash(archive), unzipped_bytes(archive))
    record = {
        "inputs": inputs,
        "sha256": artifact.sha256,
        "unzipped_bytes": artifact.unzipped_bytes,
    }
    manifest.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return artifact


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def format_table(packages: Sequence[FunctionPackage]) -> str:
    header = (
        "function",
        "deps MB unzipped",
        "layer zip MB",
        "code KB",
        "code sha256",
        "layer sha256",
    )
    rows = [
        (
            package.function,
            f"{package.layer_unzipped_bytes / 1_048_576:.1f}",
            f"{package.layer_zip_bytes / 1_048_576:.1f}",
            f"{package.code_archive.stat().st_size / 1024:.1f}",
            package.code_sha256,
            package.layer_sha256,
        )
        for package in packages
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in (header, *rows)
    ]
    return "\n".join(line.rstrip() for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lambda_build.lambda_package",
        description="Build each Lambda function's code archive and dependency layer.",
    )
    parser.add_argument("--function", choices=FUNCTIONS, action="append", help="repeatable")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    try:
        packages = [ensure_built(name, force=args.force) for name in args.function or FUNCTIONS]
    except PackagingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(format_table(packages))
    for package in packages:
        if package.layer_needs_s3_upload:
            print(
                f"note: {package.function}'s layer zip is over "
                f"{S3_UPLOAD_THRESHOLD_BYTES // 1_048_576} MB: the program uploads it through "
                "the artifacts bucket"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
