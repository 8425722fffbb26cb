"""Peak memory and time of each hostile file, before and after bounded extraction.

    .venv/bin/python -m benchmarks.hostile_files [--scale 1] [--before /path/to/old/tree]
        [--memory-mb 2048] [--timeout-s 120] [--cap-gib 3]

The corpus is `tests/security/hostile_files.py`. "after" runs this tree's ingest step
(`parts_and_passages` in the bounded child, limits derived from --memory-mb and --timeout-s
as the worker derives them) and reports the child's peak RSS (`wait4`'s `ru_maxrss`).
"before" (with --before, a checkout of the old code) runs that tree's `extract_pages` +
`chunk_pages` in a fresh process under an address-space cap of --cap-gib (so this shared
machine is never exhausted: "> cap" means the old code wanted more) and a wall clock of
--timeout-s, and reports that process's peak RSS. Each file runs in its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.security.hostile_files import HostileFile, corpus

ROOT = Path(__file__).resolve().parent.parent
KINDS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
    "text/html": "html",
}

_AFTER = """
import json, sys
from handlers.core.extraction import ExtractionError, ExtractionLimits
from handlers.core.extraction.bounded import BoundedExtractionError, ChildLimits, run_bounded
from handlers.core.ingest.service import parts_and_passages
data = open(sys.argv[1], "rb").read()
limits = ExtractionLimits(max_bytes=50 * 1024 * 1024, max_pages=2000)
child = ChildLimits.for_function(memory_mb=int(sys.argv[3]), remaining_ms=int(sys.argv[4]) * 1000)
try:
    extracted, run = run_bounded(
        parts_and_passages, data, sys.argv[2], limits, "bench", limits=child
    )
    out = {"outcome": "READY", "pages": extracted.pages, "peak": run.peak_rss_bytes,
           "overhead_ms": run.overhead_seconds * 1000}
except BoundedExtractionError as exc:
    out = {"outcome": f"FAILED {exc.code} ({exc.how})", "peak": exc.run.peak_rss_bytes}
except ExtractionError as exc:
    out = {"outcome": f"FAILED {exc.code}", "peak": None}
print(json.dumps(out))
"""

_BEFORE = """
import json, sys
from handlers.core.ingest.chunking import chunk_pages
from handlers.core.extraction import ExtractionError, ExtractionLimits, extract_pages
data = open(sys.argv[1], "rb").read()
limits = ExtractionLimits(max_bytes=50 * 1024 * 1024, max_pages=2000)
try:
    pages = extract_pages(data, sys.argv[2], limits)
    chunk_pages(pages)
    out = {"outcome": "READY", "pages": len(pages)}
except ExtractionError as exc:
    out = {"outcome": f"FAILED {exc.code}"}
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--memory-mb", type=int, default=2048)
    parser.add_argument("--timeout-s", type=int, default=120)
    parser.add_argument("--cap-gib", type=float, default=3.0)
    args = parser.parse_args()
    cap = int(args.cap_gib * 1024**3)
    files: list[HostileFile] = corpus(args.scale)
    header = f"{'file':<20} {'size':>9}  {'after':<34} {'peak MB':>8} {'s':>6}"
    if args.before:
        header += f"  {'before':<30} {'peak MB':>8} {'s':>6}"
    print(header)
    with tempfile.TemporaryDirectory() as folder:
        for item in files:
            path = Path(folder) / item.name
            path.write_bytes(item.data)
            kind = KINDS[item.content_type]
            after = _measured(ROOT, _AFTER, path, kind, args, None)
            line = (
                f"{item.name:<20} {len(item.data):>9}  {str(after['outcome'])[:34]:<34}"
                f" {_mb(after.get('peak')):>8} {after['seconds']:>6.1f}"
            )
            if args.before:
                before = _measured(args.before, _BEFORE, path, kind, args, cap)
                line += (
                    f"  {str(before['outcome'])[:30]:<30} {_mb(before.get('peak')):>8}"
                    f" {before['seconds']:>6.1f}"
                )
            print(line, flush=True)


def _measured(
    tree: Path, script: str, path: Path, kind: str, args: argparse.Namespace, cap: int | None
) -> dict[str, object]:
    """`_run`, with the whole process's peak RSS (`wait4`) when the script reports none."""
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(tree), "POWERTOOLS_TRACE_DISABLED": "1"}

    def limit() -> None:
        if cap is not None:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    process = subprocess.Popen(
        [sys.executable, "-c", script, str(path), kind, str(args.memory_mb), str(args.timeout_s)],
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        preexec_fn=limit,
    )
    output = _read_with_deadline(process, started + args.timeout_s)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = status
    result: dict[str, object] = {"seconds": time.monotonic() - started}
    try:
        result.update(json.loads(output.decode().strip().splitlines()[-1]))
    except (ValueError, IndexError):
        signalled = os.WIFSIGNALED(status)
        result["outcome"] = (
            f"killed by signal {os.WTERMSIG(status)}"
            if signalled
            else f"crashed (exit {os.WEXITSTATUS(status)})"
        )
        if cap is not None:
            result["outcome"] = f"{result['outcome']}; cap {args.cap_gib} GiB"
    if result.get("peak") is None:
        result["peak"] = usage.ru_maxrss * 1024
    return result


def _read_with_deadline(process: subprocess.Popen[bytes], deadline: float) -> bytes:
    import select

    assert process.stdout is not None
    fd = process.stdout.fileno()
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            process.kill()
            return b""
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _mb(value: object) -> str:
    return "-" if not isinstance(value, int) else f"{value / 1024**2:.0f}"


if __name__ == "__main__":
    main()
