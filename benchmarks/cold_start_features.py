"""What each Powertools / pydantic feature adds to the `api` function's import.

Every prefix of `benchmarks/probes/feature_probe.py`'s steps is imported in fresh
Lambda-like processes (the api function's layout, with .pyc); a step's cost is the median
of its prefix minus the median of the prefix before it. Costs overlap (the event handler
imports pydantic only when validation is on, the X-Ray SDK and the event handler both
import asyncio): a step is charged with what the steps before it had not loaded yet.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from benchmarks.cold_start_routes import format_table
from benchmarks.lambda_like import Job, Layout, measure_interleaved
from benchmarks.probes.feature_probe import STEPS
from lambda_build.bytecode import BytecodeCompiler

PROBE = str(Path(__file__).resolve().parent / "probes" / "feature_probe.py")


def features_table(python: BytecodeCompiler, layout: Layout, runs: int) -> str:
    jobs = [Job(name, layout, (PROBE, str(count))) for count, (name, _) in enumerate(STEPS, 1)]
    measured = measure_interleaved(python, jobs, runs)
    previous = (0.0, 0.0, 0.0)
    rows = []
    for name, _ in STEPS:
        samples = measured[name]
        values = [float(run["import"]) * 1000 for run in samples.runs if "import" in run]
        cpu = [float(run["cpu"]) * 1000 for run in samples.runs if "cpu" in run]
        errors = "; ".join(samples.errors()) or "-"
        if not values or not cpu:
            rows.append([name, "-", "-", "-", "-", "-", errors])
            continue
        # Load only ever adds time: the lowest run is the steadier estimate of a cost, and
        # CPU time is what the load stretches least.
        current = (statistics.median(values), min(values), statistics.median(cpu))
        rows.append(
            [
                name,
                f"{current[0]:.0f} ({current[1]:.0f}-{max(values):.0f})",
                f"{current[0] - previous[0]:+.0f}",
                f"{current[1] - previous[1]:+.0f}",
                f"{current[2]:.0f}",
                f"{current[2] - previous[2]:+.0f}",
                errors,
            ]
        )
        previous = current
    header = [
        "+ feature",
        "cumulative import ms",
        "adds (medians)",
        "adds (lowest)",
        "cumulative CPU ms",
        "adds (CPU medians)",
        "errors",
    ]
    return format_table(header, rows)
