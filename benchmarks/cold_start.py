"""Cold start per function: dependency-set size, import + init, and each route's first request.

    .venv/bin/python -m benchmarks.cold_start [--runs 7] [--function api ...] [--python PATH]
        [--no-routes] [--no-peers] [--no-source] [--features] [--importtime N]

Sizes are the arm64 layers `make build` deploys (unzipped, what Lambda's 250 MB limit
counts). Timings need an interpreter that can load the wheels, and this machine is
x86_64: the same requirement set is installed for the measuring interpreter (`--python`,
default this one; pass a Python 3.13 to measure the runtime's version), and each run is a
fresh process laid out like Lambda's (`benchmarks/lambda_like.py`).

Two modes: "source only" (no bytecode for the code and the layer: every cold start
compiles them, as on Lambda when the build had no Python 3.13 to precompile with) and
"with .pyc" (bytecode already there, as the archives ship it when built with 3.13). Import
= `import handlers.<function>`; init = calling the cached factories that build what every
request uses (`INIT_FACTORIES` in `benchmarks/lambda_like.py`: settings and clients; a
route's own, such as the agent's document source, is its first request's) with a made-up
environment and AWS calls pointed at a closed local port. In the same run, side by side: the yardsticks of `benchmarks/cold_start_peers.py`
(a bare boto3 + Logger handler, a LangChain answer handler), the ratio of every row to
them, the first request of each route (`benchmarks/cold_start_routes.py`: cold, and after
a SnapStart init, the restore path), with `--features` what each Powertools / pydantic
feature adds to the api function (`benchmarks/cold_start_features.py`) and, with
`--importtime N`, where each function's import time goes (`benchmarks/import_profile.py`).
`--before CHECKOUT` adds rows for another checkout's code and dependency sets (extracted and
installed there by a run of this benchmark), measured in the same rounds: a before/after
comparison the load cannot skew. Each row has its wall time and its CPU time (user + system
of the process: what a loaded machine stretches least), each as a ratio per round. Medians of --runs processes, with the
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

from benchmarks.cold_start_features import features_table
from benchmarks.cold_start_peers import BARE, LANGCHAIN, Yardstick, yardsticks
from benchmarks.cold_start_routes import format_table, measure_routes, route_cases, routes_table
from benchmarks.import_profile import package_costs, top_costs
from benchmarks.lambda_like import (
    BENCH_ROOT,
    Job,
    Layout,
    Samples,
    extract_code,
    host_dependency_set,
    init_environment,
    measure_interleaved,
    runtime_sdk,
)
from lambda_build.bytecode import BytecodeCompiler, probe
from lambda_build.dependency_set import install_dependency_set
from lambda_build.errors import PackagingError
from lambda_build.lambda_package import FUNCTIONS, REPO_ROOT, ensure_built

MB = 1_048_576
HANDLER_PROBE = str(Path(__file__).resolve().parent / "probes" / "handler_probe.py")


@dataclass(frozen=True)
class Function:
    """A function's built package, extracted for the probes."""

    function: str
    sizes: list[str]
    path: tuple[Path, ...]
    code: Path
    label: str = ""
    """The row's name when it is not the function's (another checkout's code)."""

    @property
    def name(self) -> str:
        return self.label or self.function

    def job(self, *, bytecode: bool) -> Job:
        probe = (HANDLER_PROBE, f"handlers.{self.function}")
        env = init_environment(self.function)
        return Job(self.name, Layout(self.path, bytecode), probe, env)


@dataclass(frozen=True)
class Row:
    name: str
    sizes: list[str]
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
    parser.add_argument("--no-source", action="store_true", help="skip the source-only mode")
    parser.add_argument("--features", action="store_true", help="what each api feature adds")
    parser.add_argument("--importtime", type=int, default=0, metavar="N", help="profile N runs")
    parser.add_argument(
        "--before",
        type=Path,
        metavar="CHECKOUT",
        help="also measure another checkout's code (its .build/bench/code, from a run there)",
    )
    args = parser.parse_args()
    runs = max(args.runs, 5)
    python = probe(args.python)
    if python is None:
        raise SystemExit(f"--python {args.python} does not run")

    runtime = runtime_sdk(python)
    _progress("installing the yardsticks")
    sticks, note = yardsticks(python, runtime, langchain=not args.no_peers)
    functions: list[Function] = []
    rows: list[Row] = []
    for name in args.function or list(FUNCTIONS):
        _progress(f"building {name}")
        built = _prepare(python, name, runtime)
        if isinstance(built, str):
            rows.append(Row(name, [], None, None, built))
        else:
            functions.append(built)
    earlier = _before_rows(python, functions, args.before) if args.before else []
    jobs: list[Function | Yardstick] = [*sticks, *earlier, *functions]
    cold: dict[str, Samples] = {}
    if not args.no_source:
        _progress("import + init, source only")
        cold = measure_interleaved(python, [j.job(bytecode=False) for j in jobs], runs)
    _progress("import + init, with .pyc")
    warm = measure_interleaved(python, [j.job(bytecode=True) for j in jobs], runs)
    rows = [
        *(Row(f"({y.name})", [], cold.get(y.name), warm[y.name]) for y in sticks),
        *(Row(f.name, f.sizes, cold.get(f.name), warm[f.name]) for f in [*earlier, *functions]),
        *rows,
    ]
    print(f"Measured with Python {python.version} ({python.executable}), {runs} runs each")
    print(_table(rows))
    if note:
        print(note)
    print()
    routed = [f for f in functions if f.function != "ingest"]
    if not args.no_routes and routed:
        layouts = {f.function: Layout(f.path, bytecode=True) for f in routed}
        cases = route_cases([f.function for f in routed])
        timings = measure_routes(python, layouts, cases, runs, _progress)
        print("First request of each route after init (with .pyc), ms: median (lowest-highest)")
        print(routes_table(timings))
        print()
    api = next((f for f in functions if f.function == "api"), None)
    if args.features and api is not None:
        _progress("features")
        print("The api function's import, feature by feature (with .pyc):")
        print(features_table(python, Layout(api.path, bytecode=True), runs))
        print()
    if args.importtime:
        _progress("import profiles")
        print(_import_profiles(python, [*functions, *sticks[:1]], args.importtime))
        print()
    print(_powertools_report())
    return 0


def _progress(what: str) -> None:
    print(f"... {what}", file=sys.stderr, flush=True)


def _prepare(python: BytecodeCompiler, function: str, runtime: Path) -> Function | str:
    if not (REPO_ROOT / "handlers" / f"{function}.py").is_file():
        return "missing"
    try:
        package = ensure_built(function)
    except PackagingError as error:
        return f"build failed: {error}".splitlines()[0]
    sizes = [
        f"{package.layer_unzipped_bytes / MB:.1f}",
        f"{package.layer_zip_bytes / MB:.1f}",
        f"{package.code_unzipped_bytes / 1024:.0f}",
    ]
    code = extract_code(package)
    path = (code, host_dependency_set(python, function), runtime)
    return Function(function, sizes, path, code)


def _before_rows(
    python: BytecodeCompiler, functions: list[Function], checkout: Path
) -> list[Function]:
    """The same functions with another checkout's handlers and, when a run there installed
    them, its dependency sets (else ours): a before/after comparison inside one run."""
    rows = []
    for function in functions:
        bench = checkout / ".build" / "bench"
        code = bench / "code" / function.function
        dependencies = bench / python.cache_tag / function.function / "python"
        if code.is_dir():
            deps = dependencies if dependencies.is_dir() else function.path[1]
            path = (code, deps, *function.path[2:])
            rows.append(
                Function(function.function, [], path, code, f"{function.function} (before)")
            )
    return rows


def _total_ms(samples: Samples | None) -> list[float]:
    return [total for total in _run_totals(samples) if total == total]


def _run_totals(samples: Samples | None, *, cpu: bool = False) -> list[float]:
    """Import + init of each run, ms, in run order (NaN for a failed run): wall time, or
    with `cpu` the process's CPU time (which a loaded machine stretches least)."""
    if samples is None:
        return []
    if cpu:
        return [float(run.get("cpu", "nan")) * 1000 for run in samples.runs]
    return [
        (float(run["import"]) + float(run["init"])) * 1000
        if "import" in run and "init" in run
        else float("nan")
        for run in samples.runs
    ]


def _cell(samples: Samples | None) -> str:
    totals = _total_ms(samples)
    if samples is None or not totals:
        return "-"
    return (
        f"{samples.median_ms('import'):.0f} / {statistics.median(totals):.0f} "
        f"({min(totals):.0f}-{max(totals):.0f})"
    )


def _cpu_cell(samples: Samples | None) -> str:
    totals = [total for total in _run_totals(samples, cpu=True) if total == total]
    return f"{statistics.median(totals):.0f}" if totals else "-"


def _ratio(samples: Samples | None, yardstick: Row | None, *, cpu: bool = False) -> str:
    """Median of the per-round ratios: runs of one round ran back to back (round-robin), so
    a change of the machine's load between rounds cancels out."""
    ours = _run_totals(samples, cpu=cpu)
    theirs = _run_totals(yardstick.warm if yardstick else None, cpu=cpu)
    pairs = zip(ours, theirs, strict=False)  # a yardstick that did not install has no runs
    ratios = [a / b for a, b in pairs if a == a and b == b]
    if not ratios:
        return "-"
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"


def _table(rows: list[Row]) -> str:
    bare = next((row for row in rows if row.name == f"({BARE})"), None)
    langchain = next((row for row in rows if row.name == f"({LANGCHAIN})"), None)
    header = [
        "function",
        "deps MB",
        "layer zip MB",
        "code KB",
        "source only: import / +init ms",
        "with .pyc: import / +init ms",
        "x bare (.pyc, per round)",
        "x LangChain (.pyc, per round)",
        "CPU ms",
        "CPU x bare",
        "CPU x LangChain",
        "errors",
    ]
    cells = []
    for row in rows:
        errors = sorted(
            set((row.cold.errors() if row.cold else []) + (row.warm.errors() if row.warm else []))
        )
        cells.append(
            [
                row.name,
                *(row.sizes or ["-"] * 3),
                _cell(row.cold),
                _cell(row.warm),
                _ratio(row.warm, bare),
                _ratio(row.warm, langchain),
                _cpu_cell(row.warm),
                _ratio(row.warm, bare, cpu=True),
                _ratio(row.warm, langchain, cpu=True),
                row.note or "; ".join(errors) or "-",
            ]
        )
    return format_table(header, cells)


def _import_profiles(
    python: BytecodeCompiler, subjects: list[Function | Yardstick], runs: int
) -> str:
    lines = ["Import + init by package (-X importtime, self ms, median of runs):"]
    for subject in subjects:
        job = subject.job(bytecode=True)
        costs = package_costs(python, job.layout, job.probe, runs, job.env)
        lines.append(f"- {job.name}: {top_costs(costs)}")
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
