"""Cold start per function: dependency-set size and the handler's import + init time.

    .venv/bin/python -m benchmarks.cold_start [--runs 7] [--function api ...] [--python PATH]

Sizes are the arm64 layers `make build` deploys (unzipped, what Lambda's 250 MB limit
counts). Timings need an interpreter that can load the wheels, and this machine is
x86_64: the same requirement set is installed for the measuring interpreter (`--python`,
default this one; pass a Python 3.13 to measure the runtime's version) into
`.build/bench/<cache tag>/`, and each run is a fresh `python -S` process whose path is laid
out like Lambda's: the extracted code archive (only the modules the handler imports), the
function's dependency set, then boto3 as the runtime provides it — no venv site-packages,
so a missing dependency fails here as it would there.

Two modes: "source only" (no bytecode for the code and the layer: every cold start
compiles them, as on Lambda when the build had no Python 3.13 to precompile with) and
"with .pyc" (bytecode already there, as the archives ship it when built with 3.13). Import
= `import handlers.<function>`; init = calling its zero-argument cached factories
(settings, clients) with a made-up environment and AWS calls pointed at a closed local
port. Medians of --runs processes; the page cache is warm.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from components.lambda_package import FUNCTIONS, REPO_ROOT, FunctionPackage, ensure_built
from components.packaging.bytecode import BytecodeCompiler, probe
from components.packaging.dependency_set import install_dependency_set, prune_installed
from components.packaging.errors import PackagingError

BENCH_ROOT = REPO_ROOT / ".build" / "bench"
MB = 1_048_576
# Runs inside each fresh process: import the handler, then call its lazy factories.
PROBE = """
import functools, inspect, json, sys, time
start = time.perf_counter()
module = __import__("handlers." + sys.argv[1], fromlist=["lambda_handler"])
imported = time.perf_counter()
errors = []
for name, value in sorted(vars(module).items()):
    if getattr(value, "__module__", None) != module.__name__ or not hasattr(value, "cache_info"):
        continue
    try:
        if not inspect.signature(value).parameters:
            value()
    except Exception as error:
        errors.append(f"{name}: {type(error).__name__}")
done = time.perf_counter()
print(json.dumps({"import": imported - start, "init": done - imported, "errors": errors}))
"""
BASELINE_PROBE = """
import json, time
start = time.perf_counter()
import boto3
imported = time.perf_counter()
boto3.client("s3")
print(json.dumps({"import": imported - start, "init": time.perf_counter() - imported, "errors": []}))
"""


@dataclass(frozen=True)
class Timing:
    import_ms: float
    init_ms: float
    process_ms: float
    errors: tuple[str, ...]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per measurement (>= 5)")
    parser.add_argument("--function", choices=FUNCTIONS, action="append")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    functions = args.function or list(FUNCTIONS)
    python = probe(args.python)
    if python is None:
        raise SystemExit(f"--python {args.python} does not run")

    runtime = _runtime_sdk(python)
    rows = [_baseline_row(python, runtime, runs)]
    for function in functions:
        rows.append(_function_row(python, function, runtime, runs))
    print(f"Measured with Python {python.version} ({python.executable})")
    print(_table(rows))
    print()
    print(_powertools_report())
    return 0


def _function_row(python: BytecodeCompiler, function: str, runtime: Path, runs: int) -> list[str]:
    if not (REPO_ROOT / "handlers" / f"{function}.py").is_file():
        return [function, "-", "-", "-", "missing", "missing", "missing"]
    try:
        package = ensure_built(function)
    except PackagingError as error:
        return [function, f"build failed: {error}".splitlines()[0]]
    sizes = [
        f"{package.layer_unzipped_bytes / MB:.1f}",
        f"{package.layer_zip_bytes / MB:.1f}",
        f"{package.code_unzipped_bytes / 1024:.0f}",
    ]
    code = _extract_code(package)
    deps = _host_dependency_set(python, function)
    path = [code, deps, runtime]
    cold = _measure(python, path, [function], runs, bytecode=False)
    warm = _measure(python, path, [function], runs, bytecode=True)
    return [function, *sizes, *_timing_cells(cold, warm)]


def _baseline_row(python: BytecodeCompiler, runtime: Path, runs: int) -> list[str]:
    cold = _measure(python, [runtime], [], runs, bytecode=False, probe=BASELINE_PROBE)
    warm = _measure(python, [runtime], [], runs, bytecode=True, probe=BASELINE_PROBE)
    return ["(boto3 + client)", "-", "-", "-", *_timing_cells(cold, warm)]


def _timing_cells(cold: Timing, warm: Timing) -> list[str]:
    errors = sorted(set(cold.errors + warm.errors))
    return [
        f"{cold.import_ms:.0f} / {cold.import_ms + cold.init_ms:.0f}",
        f"{warm.import_ms:.0f} / {warm.import_ms + warm.init_ms:.0f}",
        f"{warm.process_ms:.0f}",
        "; ".join(errors) or "-",
    ]


def _measure(
    python: BytecodeCompiler,
    path: list[Path],
    argv: list[str],
    runs: int,
    *,
    bytecode: bool,
    probe: str = PROBE,
) -> Timing:
    env = _probe_environment(path)
    if bytecode:
        # Bytecode for everything, from one cache that a first run writes.
        env["PYTHONPYCACHEPREFIX"] = str(BENCH_ROOT / python.cache_tag / "pycache")
        _run_probe(python, env, probe, argv)
    else:
        # The stdlib's and the runtime SDK's bytecode is read, as on Lambda; nothing of
        # the code or the dependency set has any, and none is written.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    samples = [_run_probe(python, env, probe, argv) for _ in range(runs)]
    return Timing(
        import_ms=statistics.median(s[0]["import"] for s in samples) * 1000,
        init_ms=statistics.median(s[0]["init"] for s in samples) * 1000,
        process_ms=statistics.median(s[1] for s in samples) * 1000,
        errors=tuple(samples[0][0]["errors"]),
    )


def _run_probe(
    python: BytecodeCompiler, env: dict[str, str], probe: str, argv: list[str]
) -> tuple[dict[str, Any], float]:
    # -P and an empty working directory: nothing but `path` (and the stdlib) is importable.
    workdir = BENCH_ROOT / "workdir"
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    completed = subprocess.run(
        [python.executable, "-S", "-P", "-c", probe, *argv],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return {"import": float("nan"), "init": float("nan"), "errors": [last]}, elapsed
    return json.loads(completed.stdout.strip().splitlines()[-1]), elapsed


def _probe_environment(path: list[Path]) -> dict[str, str]:
    """Lambda-like variables, every required setting made up, AWS pointed at nowhere."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join(str(p) for p in path),
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "POWERTOOLS_SERVICE_NAME": "bench",
        "POWERTOOLS_METRICS_NAMESPACE": "bench",
        # As deployed (active tracing): the Tracer is on and patches botocore. Off, outside
        # Lambda, the X-Ray SDK would build a sampler client instead (~100 ms Lambda never pays).
        "LAMBDA_TASK_ROOT": str(path[0]),
        "LLM_PROVIDER": "offline",
    }
    return {**_made_up_settings(), **env}


def _made_up_settings() -> dict[str, str]:
    from handlers.core import settings as models

    values: dict[str, str] = {}
    for model in (models.ApiSettings, models.IngestSettings, models.AgentSettings):
        for field in model.model_fields.values():
            if field.alias and field.is_required():
                values[field.alias] = "1000" if field.annotation in (int, float) else "bench"
    return values


def _extract_code(package: FunctionPackage) -> Path:
    target = BENCH_ROOT / "code" / package.function
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(package.code_archive) as zf:
        sources = [name for name in zf.namelist() if "/__pycache__/" not in name]
        zf.extractall(target, members=sources)
    return target


def _host_dependency_set(python: BytecodeCompiler, function: str) -> Path:
    """The function's requirements for this machine, reinstalled only when they change."""
    folder = REPO_ROOT / "handlers" / "requirements"
    constraints = folder / "constraints.txt"
    # The copy is installed from elsewhere: point its `-c` at the real file, and let the
    # constraints' content decide staleness too.
    text = (folder / f"{function}.txt").read_text()
    text = text.replace("-c constraints.txt", f"-c {constraints}")
    text += f"# constraints {hashlib.sha256(constraints.read_bytes()).hexdigest()}\n"
    return _host_install(python, function, text.encode())


def _runtime_sdk(python: BytecodeCompiler) -> Path:
    """boto3 at the venv's version, with bytecode, as the Lambda runtime provides it."""
    pins = "".join(f"{name}=={version(name)}\n" for name in ("boto3", "botocore"))
    target = _host_install(python, "runtime", pins.encode(), keep_sdk=True)
    subprocess.run([python.executable, "-m", "compileall", "-q", str(target)], check=True)
    return target


def _host_install(
    python: BytecodeCompiler, name: str, requirements: bytes, *, keep_sdk: bool = False
) -> Path:
    target = BENCH_ROOT / python.cache_tag / name / "python"
    stamp = target.parent / "inputs.sha256"
    digest = hashlib.sha256(requirements + python.identity.encode()).hexdigest()
    if stamp.is_file() and stamp.read_text() == digest and target.is_dir():
        return target
    shutil.rmtree(target.parent, ignore_errors=True)
    target.mkdir(parents=True)
    requirements_file = target.parent / "requirements.txt"
    requirements_file.write_bytes(requirements)
    command = [python.executable, "-m", "pip", "install", "--quiet", "--no-compile"]
    command += ["--only-binary=:all:", "--target", str(target), "-r", str(requirements_file)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{completed.stderr[-2000:]}")
    if not keep_sdk:
        prune_installed(target)
    stamp.write_text(digest)
    return target


def _powertools_report() -> str:
    """Powertools inside our layers vs the public layer (Powertools[all], built like AWS's)."""
    pin = version("aws-lambda-powertools")
    requirements = BENCH_ROOT / "powertools-layer.txt"
    requirements.parent.mkdir(parents=True, exist_ok=True)
    requirements.write_text(f"aws-lambda-powertools[all]=={pin}\n")
    target = install_dependency_set("powertools-layer", requirements, BENCH_ROOT / "pt-layer")
    # What AWS's layer build removes too: boto3's dependencies and tests.
    for pattern in ("s3transfer*", "*dateutil*", "urllib3*", "six*", "jmespath*"):
        for path in target.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    for tests in sorted(target.rglob("tests"), reverse=True):
        shutil.rmtree(tests, ignore_errors=True)
    public = _tree_bytes(target)
    top = sorted(
        ((_tree_bytes(p) if p.is_dir() else p.stat().st_size, p.name) for p in target.iterdir()),
        reverse=True,
    )[:6]
    shutil.rmtree(BENCH_ROOT / "pt-layer", ignore_errors=True)

    api = ensure_built("api")
    with zipfile.ZipFile(api.layer_archive) as zf:
        ours = sum(
            info.file_size
            for info in zf.infolist()
            if info.filename.split("/")[1].startswith(("aws_lambda_powertools", "jmespath"))
        )
    biggest = ", ".join(f"{name} {size / MB:.1f}" for size, name in top)
    return (
        f"Powertools {pin} in our layers (package + jmespath): {ours / MB:.1f} MB unzipped per "
        f"function.\nThe public layer's content (Powertools[all], arm64, as AWS builds it): "
        f"{public / MB:.1f} MB unzipped (largest: {biggest}).\nIt counts against the same "
        "250 MB limit and brings its own pydantic, which /opt would merge with ours."
    )


def _tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _table(rows: list[list[str]]) -> str:
    header = [
        "function",
        "deps MB",
        "layer zip MB",
        "code KB",
        "source only: import / +init ms",
        "with .pyc: import / +init ms",
        "process ms (.pyc)",
        "init errors",
    ]
    width = len(header)
    padded = [row + [""] * (width - len(row)) for row in rows]
    widths = [max(len(row[i]) for row in (header, *padded)) for i in range(width)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in (header, *padded)
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
