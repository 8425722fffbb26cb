"""Fresh processes laid out like a Lambda execution environment, for the cold-start benchmarks.

Each run is a new `python -S -P` process whose only import path is a list of folders in
Lambda's order: the extracted code archive (only the modules the handler imports), the
function's dependency set, then boto3 as the runtime provides it. No venv site-packages,
so a missing dependency fails here as it would there. Dependency sets are installed for
the measuring interpreter under `.build/bench/<cache tag>/` and reinstalled only when their
requirements change.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from lambda_build.bytecode import BytecodeCompiler
from lambda_build.dependency_set import prune_installed
from lambda_build.lambda_package import REPO_ROOT, FunctionPackage

BENCH_ROOT = REPO_ROOT / ".build" / "bench"
# What a function builds for every request (its init); a route's own clients (the agent's
# document source, the api's health checks) are its first request's. Other functions: every
# public zero-argument cached factory.
INIT_FACTORIES = {
    "api": ("settings", "documents_context"),
    "agent": ("settings", "agent_context"),
    "ingest": ("ingest_context",),
}


def init_environment(function: str) -> dict[str, str]:
    """The probe's `HANDLER_INIT` for this function."""
    names = INIT_FACTORIES.get(function)
    return {"HANDLER_INIT": ",".join(names)} if names else {}


@dataclass(frozen=True)
class Samples:
    """The JSON each probe process printed (its last stdout line), one dict a run."""

    runs: tuple[dict[str, Any], ...]
    process_seconds: tuple[float, ...]

    def median_ms(self, key: str) -> float:
        values = [float(run[key]) for run in self.runs if key in run]
        return statistics.median(values) * 1000 if values else float("nan")

    def spread_ms(self, key: str) -> tuple[float, float]:
        """The lowest and highest run, ms."""
        values = [float(run[key]) for run in self.runs if key in run]
        return (min(values) * 1000, max(values) * 1000) if values else (float("nan"),) * 2

    def errors(self) -> list[str]:
        return sorted({error for run in self.runs for error in run.get("errors", [])})


@dataclass(frozen=True)
class Layout:
    """Where a probe process imports from, and with what bytecode."""

    path: tuple[Path, ...]
    bytecode: bool
    """True: .pyc for everything (as shipped by a 3.13 build); False: the code and the
    dependency set compile on every run (the stdlib and the runtime SDK keep theirs)."""


@dataclass(frozen=True)
class Job:
    """One thing to measure: a probe (arguments after `python -S -P`) in a layout."""

    name: str
    layout: Layout
    probe: tuple[str, ...]
    env: Mapping[str, str] | None = None
    before_each: Callable[[int], list[str]] | None = None
    """Extra arguments for run `index` (-1: the bytecode warm-up), e.g. a fresh event."""


def measure(
    python: BytecodeCompiler,
    layout: Layout,
    probe: Sequence[str],
    runs: int,
    *,
    env: Mapping[str, str] | None = None,
) -> Samples:
    """Run `probe` `runs` times in fresh processes."""
    job = Job("probe", layout, tuple(probe), env)
    return measure_interleaved(python, [job], runs)["probe"]


def measure_interleaved(
    python: BytecodeCompiler, jobs: Sequence[Job], runs: int
) -> dict[str, Samples]:
    """Every job `runs` times, round-robin, so that a change of the machine's load hits
    them all alike (their ratios are what this shared machine can measure).

    A job with bytecode gets one unmeasured run first, which fills the shared cache.
    """
    environments = {job.name: _job_environment(python, job) for job in jobs}
    for job in jobs:
        if job.layout.bytecode:
            run_probe(python, environments[job.name], [*job.probe, *_extra(job, -1)])
    results: dict[str, list[dict[str, Any]]] = {job.name: [] for job in jobs}
    seconds: dict[str, list[float]] = {job.name: [] for job in jobs}
    for index in range(runs):
        for job in jobs:
            result, elapsed = run_probe(
                python, environments[job.name], [*job.probe, *_extra(job, index)]
            )
            results[job.name].append(result)
            seconds[job.name].append(elapsed)
    return {job.name: Samples(tuple(results[job.name]), tuple(seconds[job.name])) for job in jobs}


def _extra(job: Job, index: int) -> list[str]:
    return job.before_each(index) if job.before_each else []


def _job_environment(python: BytecodeCompiler, job: Job) -> dict[str, str]:
    environment = {**probe_environment(job.layout.path), **(job.env or {})}
    if job.layout.bytecode:
        # Bytecode for everything, from one cache that a warm-up run writes.
        environment["PYTHONPYCACHEPREFIX"] = str(BENCH_ROOT / python.cache_tag / "pycache")
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        # The stdlib's and the runtime SDK's bytecode is read, as on Lambda; nothing of
        # the code or the dependency set has any, and none is written.
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return environment


def run_probe(
    python: BytecodeCompiler, env: Mapping[str, str], arguments: Sequence[str]
) -> tuple[dict[str, Any], float]:
    # -P and an empty working directory: nothing but the layout (and the stdlib) imports.
    workdir = BENCH_ROOT / "workdir"
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    completed = subprocess.run(
        [python.executable, "-S", "-P", *arguments],
        cwd=workdir,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return {"errors": [last]}, elapsed
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result, elapsed


def probe_environment(path: Sequence[Path]) -> dict[str, str]:
    """Lambda-like variables, every required setting made up, AWS pointed at nowhere."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join(str(p) for p in path),
        "PYTHONWARNINGS": "ignore",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "POWERTOOLS_SERVICE_NAME": "bench",
        "POWERTOOLS_METRICS_NAMESPACE": "bench",
        # As deployed (active tracing): the Tracer is on and patches botocore. Off, outside
        # Lambda, the X-Ray SDK would build a sampler client instead (~100 ms Lambda never pays).
        "LAMBDA_TASK_ROOT": str(path[0]),
        "LLM_PROVIDER": "offline",
    }
    return {**made_up_settings(), **env}


def made_up_settings() -> dict[str, str]:
    from handlers.core.runtime import settings as models

    values: dict[str, str] = {}
    for model in (models.ApiSettings, models.IngestSettings, models.AgentSettings):
        for field in model.model_fields.values():
            if field.alias and field.is_required():
                values[field.alias] = "1000" if field.annotation in (int, float) else "bench"
    return values


def extract_code(package: FunctionPackage) -> Path:
    """The function's code archive, sources only (the bytecode mode decides about .pyc)."""
    target = BENCH_ROOT / "code" / package.function
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(package.code_archive) as zf:
        sources = [name for name in zf.namelist() if "/__pycache__/" not in name]
        zf.extractall(target, members=sources)
    return target


def host_dependency_set(python: BytecodeCompiler, function: str) -> Path:
    """The function's requirements for this machine, reinstalled only when they change."""
    folder = REPO_ROOT / "handlers" / "requirements"
    constraints = folder / "constraints.txt"
    # The copy is installed from elsewhere: point its `-c` at the real file, and let the
    # constraints' content decide staleness too.
    text = (folder / f"{function}.txt").read_text()
    text = text.replace("-c constraints.txt", f"-c {constraints}")
    text += f"# constraints {hashlib.sha256(constraints.read_bytes()).hexdigest()}\n"
    return host_install(python, function, text.encode())


def runtime_sdk(python: BytecodeCompiler) -> Path:
    """boto3 at the venv's version, with bytecode, as the Lambda runtime provides it."""
    pins = "".join(f"{name}=={version(name)}\n" for name in ("boto3", "botocore"))
    target = host_install(python, "runtime", pins.encode(), keep_sdk=True)
    subprocess.run([python.executable, "-m", "compileall", "-q", str(target)], check=True)
    return target


def host_install(
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
