"""Load test of the local stack: concurrent users signing in, uploading, asking and listing.

    .venv/bin/python -m benchmarks.loadtest [--users 20] [--seconds 60] [--tasks 40]
    make loadtest LOAD_USERS=20 LOAD_SECONDS=60

Starts `python -m local --port 0` (127.0.0.1 only, its own moto), runs Locust headless
against it (`benchmarks/locustfile.py`) with `--users` users for at most `--seconds`
seconds and `--tasks` tasks each, samples the stack process's memory, and prints
throughput, p50/p95/p99 and errors per route and the stack's peak RSS. Exits 1 when any
request failed. Everything runs on one machine, so the numbers measure the dev stack
(one Python process, moto in memory, the offline model) — not AWS: see docs/capacity.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
START_TIMEOUT_SECONDS = 60


@dataclass
class RouteStats:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


def start_stack(log_path: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AWS_"))}
    env["LOG_LEVEL"] = "WARNING"  # the functions' per-request INFO lines are not the load
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "--port", "0", "--json"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        for line in log_path.read_text(errors="replace").splitlines():
            if line.startswith('{"localStack"'):
                details: dict[str, Any] = json.loads(line)["localStack"]
                return process, details
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the local stack did not start:\n" + log_path.read_text(errors="replace"))


class MemorySampler(threading.Thread):
    """The stack process's resident memory, every half second, until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self._process = psutil.Process(pid)
        self._stop_event = threading.Event()
        self.start_rss = self._process.memory_info().rss
        self.peak_rss = self.start_rss
        self.end_rss = self.start_rss

    def run(self) -> None:
        while not self._stop_event.wait(0.5):
            self._sample()

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        self._sample()

    def _sample(self) -> None:
        try:
            rss = self._process.memory_info().rss
        except psutil.Error:
            return
        self.end_rss = rss
        self.peak_rss = max(self.peak_rss, rss)


def run_locust(
    details: dict[str, Any], args: argparse.Namespace, csv_prefix: Path, log_path: Path
) -> int:
    env = {**os.environ, "LOAD_CLIENT_ID": details["user_pool_client_id"]}
    env["LOAD_TASKS"] = str(args.tasks)
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        details["url"],
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.seconds}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    with log_path.open("wb") as log:
        return subprocess.run(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=False
        ).returncode


def read_stats(csv_prefix: Path) -> tuple[list[RouteStats], RouteStats]:
    routes: list[RouteStats] = []
    total: RouteStats | None = None
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            stats = RouteStats(
                name=row["Name"],
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                rps=float(row["Requests/s"]),
                p50=float(row["50%"] or 0),
                p95=float(row["95%"] or 0),
                p99=float(row["99%"] or 0),
            )
            if row["Name"] == "Aggregated":
                total = stats
            else:
                routes.append(stats)
    assert total is not None, "Locust wrote no aggregate row"
    return routes, total


def print_report(
    routes: list[RouteStats], total: RouteStats, memory: MemorySampler, args: argparse.Namespace
) -> None:
    mib = 1024 * 1024
    print(
        f"\nLoad test: {args.users} users, at most {args.seconds} s and {args.tasks} tasks each, "
        "against the local stack on 127.0.0.1"
    )
    header = f"{'route':<50} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    print(header)
    print("-" * len(header))
    for s in sorted(routes, key=lambda r: r.name):
        print(
            f"{s.name:<50} {s.requests:>8} {s.failures:>6} {s.rps:>7.1f} "
            f"{s.p50:>7.0f} {s.p95:>7.0f} {s.p99:>7.0f}"
        )
    print("-" * len(header))
    print(
        f"{'all':<50} {total.requests:>8} {total.failures:>6} {total.rps:>7.1f} "
        f"{total.p50:>7.0f} {total.p95:>7.0f} {total.p99:>7.0f}"
    )
    rate = total.failures / total.requests if total.requests else 0.0
    print(f"\nthroughput {total.rps:.1f} requests/s; error rate {rate:.2%}")
    print(
        f"dev process memory (RSS): {memory.start_rss / mib:.0f} MiB at start, "
        f"{memory.peak_rss / mib:.0f} MiB peak, {memory.end_rss / mib:.0f} MiB at the end"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--tasks", type=int, default=40, help="tasks per user, then it stops")
    args = parser.parse_args(argv)
    if not (1 <= args.users <= 200 and 1 <= args.seconds <= 900 and 1 <= args.tasks <= 1000):
        parser.error("keep it bounded: 1-200 users, 1-900 seconds, 1-1000 tasks")

    with tempfile.TemporaryDirectory(prefix="loadtest-") as scratch:
        work = Path(scratch)
        process, details = start_stack(work / "stack.log")
        memory = MemorySampler(process.pid)
        memory.start()
        try:
            run_locust(details, args, work / "locust", work / "locust.log")
        finally:
            memory.stop()
            process.send_signal(2)  # Ctrl-C: the stack stops cleanly
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        routes, total = read_stats(work / "locust")
        print_report(routes, total, memory, args)
        failures_csv = Path(f"{work / 'locust'}_failures.csv")
        if total.failures and failures_csv.exists():
            print("\nfailures:\n" + failures_csv.read_text()[:4000])
            print((work / "locust.log").read_text(errors="replace")[-4000:])
    return 1 if total.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
