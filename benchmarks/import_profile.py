"""Where an import's time goes: `python -X importtime`, summed per top-level package.

Each module's *self* time (its own body, not its imports) is added to its top-level
package (`botocore`, `pydantic`, `aws_lambda_powertools`...; the standard library's modules
together as `(stdlib)`), so the shares add up to the whole import. Medians over runs; the
profiler's own overhead inflates every figure a little, so compare shares, not totals.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence

from benchmarks.lambda_like import BENCH_ROOT, Layout, probe_environment
from lambda_build.bytecode import BytecodeCompiler

STDLIB = "(stdlib)"


def package_costs(
    python: BytecodeCompiler,
    layout: Layout,
    probe: Sequence[str],
    runs: int,
    env: Mapping[str, str] | None = None,
) -> dict[str, float]:
    """Median self time per top-level package, ms, with .pyc for everything."""
    environment = {**probe_environment(layout.path), **(env or {})}
    environment["PYTHONPYCACHEPREFIX"] = str(BENCH_ROOT / python.cache_tag / "pycache")
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        completed = subprocess.run(
            [python.executable, "-S", "-P", "-X", "importtime", *probe],
            cwd=BENCH_ROOT / "workdir",
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=180,
        )
        totals = _self_times(completed.stderr)
        for package in set(samples) | set(totals):
            samples[package].append(totals.get(package, 0.0))
    return {package: statistics.median(values) for package, values in samples.items()}


def _self_times(stderr: str) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:") :].split("|"))
        top = name.split(".")[0]
        key = STDLIB if top in sys.stdlib_module_names or top.startswith("_") else top
        totals[key] += int(self_us) / 1000
    return totals


def top_costs(costs: Mapping[str, float], count: int = 8) -> str:
    """`package ms (share)`, the largest first."""
    total = sum(costs.values()) or 1.0
    ranked = sorted(costs.items(), key=lambda item: item[1], reverse=True)[:count]
    return ", ".join(f"{name} {ms:.0f} ({ms / total:.0%})" for name, ms in ranked)
