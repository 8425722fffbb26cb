"""Cold start per function: dependency-set size, import + init, and each route's first request.

    .venv/bin/python -m benchmarks.cold_start [--runs 7] [--function api ...] [--python PATH]
        [--no-routes] [--no-peers] [--importtime N]

Sizes are the arm64 layers `make build` deploys (unzipped, what Lambda's 250 MB limit
counts). Timings need an interpreter that can load the wheels, and this machine is
x86_64: the same requirement set is installed for the measuring interpreter (`--python`,
default this one; pass a Python 3.13 to measure the runtime's version), and each run is a
fresh process laid out like Lambda's (`benchmarks/lambda_like.py`).

Two modes: "source only" (no bytecode for the code and the layer: every cold start
compiles them, as on Lambda when the build had no Python 3.13 to precompile with) and
"with .pyc" (bytecode already there, as the archives ship it when built with 3.13). Import
= `import handlers.<function>`; init = calling its zero-argument cached factories
(settings, clients) with a made-up environment and AWS calls pointed at a closed local
port. In the same run, side by side: the yardsticks of `benchmarks/cold_start_peers.py`
(a bare boto3 + Logger handler, a LangChain answer handler), the ratio of every row to
them, the first request of each route (`benchmarks/cold_start_routes.py`: cold, and after
priming, the SnapStart restore path) and, with `--importtime N`, where each function's
import time goes (`benchmarks/import_profile.py`). Medians of --runs processes, with the
lowest and highest; the page cache is warm. The machine may be loaded: read the ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from benchmarks.cold_start_peers import PROBE as PEER_PROBE
from benchmarks.cold_start_peers import Yardstick, measure_yardsticks
from benchmarks.cold_start_routes import format_table, measure_routes, route_cases, routes_table
from benchmarks.import_profile import package_costs, top_costs
from benchmarks.lambda_like import (
    BENCH_ROOT,
    Layout,
    Samples,
    code_modules,
    extract_code,
    host_dependency_set,
    measure,
    runtime_sdk,
)
from components.lambda_package import FUNCTIONS, ensure_built
from components.packaging.bytecode import BytecodeCompiler, probe
from components.packaging.dependency_set import install_dependency_set
from components.packaging.errors import PackagingError

MB = 1_048_576
HANDLER_PROBE = str(Path(__file__).resolve().parent / "probes" / "handler_probe.py")


@dataclass(frozen=True)
class FunctionRun:
    function: str
    sizes: list[str]
    layout: Layout | None
    code: Path | None
    cold: Samples | None
    warm: Samples | None
    note: str = ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per measurement (>= 5)")
    parser.add_argument("--function", choices=FUNCTIONS, action="append")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    parser.add_argument("--no-routes", action="store_true", help="skip the first requests")
    parser.add_argument("--no-peers", action="store_true", help="skip the LangChain yardstick")
    parser.add_argument("--importtime", type=int, default=0, metavar="N", help="profile N runs")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    functions = args.function or list(FUNCTIONS)
    python = probe(args.python)
    if python is None:
        raise SystemExit(f"--python {args.python} does not run")

    runtime = runtime_sdk(python)
    _progress("yardsticks")
    yardsticks = measure_yardsticks(python, runtime, runs, langchain=not args.no_peers)
    measured = []
    for function in functions:
        _progress(function)
        measured.append(_function_run(python, function, runtime, runs))
    print(f"Measured with Python {python.version} ({python.executable}), {runs} runs each")
    print(_table(measured, yardsticks))
    print()
    ready = [run for run in measured if run.layout is not None and run.code is not None]
    routed = [run.function for run in ready if run.function != "ingest"]
    if not args.no_routes and routed:
        layouts = {run.function: _warm(run.layout) for run in ready if run.layout}
        primes = {run.function: _prime_file(run.function, run.code) for run in ready if run.code}
        timings = measure_routes(python, layouts, primes, route_cases(routed), runs, _progress)
        print("First request of each route after init (with .pyc), ms: median (lowest-highest)")
        print(routes_table(timings))
        print()
    if args.importtime:
        print(_import_profiles(python, ready, runtime, args.importtime))
        print()
    print(_powertools_report())
    return 0


def _progress(what: str) -> None:
    print(f"… {what}", file=sys.stderr, flush=True)


def _warm(layout: Layout | None) -> Layout:
    assert layout is not None
    return Layout(layout.path, bytecode=True)


def _prime_file(function: str, code: Path | None) -> Path:
    assert code is not None
    target = BENCH_ROOT / f"prime-{function}.txt"
    target.write_text("\n".join(code_modules(code)) + "\n")
    return target


def _function_run(python: BytecodeCompiler, function: str, runtime: Path, runs: int) -> FunctionRun:
    if not (Path(__file__).resolve().parents[1] / "handlers" / f"{function}.py").is_file():
        return FunctionRun(function, [], None, None, None, None, "missing")
    try:
        package = ensure_built(function)
    except PackagingError as error:
        return FunctionRun(function, [], None, None, None, None, f"build failed: {error}")
    sizes = [
        f"{package.layer_unzipped_bytes / MB:.1f}",
        f"{package.layer_zip_bytes / MB:.1f}",
        f"{package.code_unzipped_bytes / 1024:.0f}",
    ]
    code = extract_code(package)
    deps = host_dependency_set(python, function)
    path = (code, deps, runtime)
    probe_args = [HANDLER_PROBE, f"handlers.{function}"]
    cold = measure(python, Layout(path, bytecode=False), probe_args, runs)
    warm = measure(python, Layout(path, bytecode=True), probe_args, runs)
    return FunctionRun(function, sizes, Layout(path, bytecode=False), code, cold, warm)


def _total_ms(samples: Samples | None) -> list[float]:
    if samples is None:
        return []
    return [
        (float(run["import"]) + float(run["init"])) * 1000
        for run in samples.runs
        if "import" in run and "init" in run
    ]


def _cell(samples: Samples | None) -> str:
    totals = _total_ms(samples)
    if samples is None or not totals:
        return "-"
    return (
        f"{samples.median_ms('import'):.0f} / {statistics.median(totals):.0f} "
        f"({min(totals):.0f}-{max(totals):.0f})"
    )


def _ratio(samples: Samples | None, yardstick: Yardstick | None) -> str:
    ours = _total_ms(samples)
    theirs = _total_ms(yardstick.warm) if yardstick else []
    if not ours or not theirs:
        return "-"
    return f"{statistics.median(ours) / statistics.median(theirs):.2f}x"


def _table(measured: list[FunctionRun], yardsticks: list[Yardstick]) -> str:
    bare = next((y for y in yardsticks if y.name.startswith("bare")), None)
    langchain = next((y for y in yardsticks if y.name == "LangChain answer handler"), None)
    header = [
        "function",
        "deps MB",
        "layer zip MB",
        "code KB",
        "source only: import / +init ms",
        "with .pyc: import / +init ms",
        "x bare (.pyc)",
        "x LangChain (.pyc)",
        "errors",
    ]
    rows = []
    for y in yardsticks:
        errors = sorted(
            set((y.cold.errors() if y.cold else []) + (y.warm.errors() if y.warm else []))
        )
        rows.append(
            [
                f"({y.name})",
                "-",
                "-",
                "-",
                _cell(y.cold),
                _cell(y.warm),
                _ratio(y.warm, bare),
                _ratio(y.warm, langchain),
                y.note or "; ".join(errors) or "-",
            ]
        )
    for run in measured:
        errors = sorted(
            set((run.cold.errors() if run.cold else []) + (run.warm.errors() if run.warm else []))
        )
        rows.append(
            [
                run.function,
                *(run.sizes or ["-"] * 3),
                _cell(run.cold),
                _cell(run.warm),
                _ratio(run.warm, bare),
                _ratio(run.warm, langchain),
                run.note or "; ".join(errors) or "-",
            ]
        )
    return format_table(header, rows)


def _import_profiles(
    python: BytecodeCompiler, ready: list[FunctionRun], runtime: Path, runs: int
) -> str:
    lines = ["Import + init by package (-X importtime, self ms, median of runs):"]
    for run in ready:
        assert run.layout is not None
        costs = package_costs(
            python, _warm(run.layout), [HANDLER_PROBE, f"handlers.{run.function}"], runs
        )
        lines.append(f"- {run.function}: {top_costs(costs)}")
    bare = BENCH_ROOT / python.cache_tag / "bare-handler" / "python"
    costs = package_costs(
        python, Layout((bare, runtime), bytecode=True), [PEER_PROBE, "bare"], runs
    )
    lines.append(f"- bare handler: {top_costs(costs)}")
    return "\n".join(lines)


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


if __name__ == "__main__":
    sys.exit(main())
