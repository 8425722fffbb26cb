"""Run one document's extraction in a child process with hard memory and CPU limits.

Parsers of hostile files fail in ways Python cannot catch: a PDF stream that inflates to
gigabytes, an XML tree twenty times its text, a parse that is quadratic in nesting depth.
In the worker itself any of these ends in Lambda killing the whole execution environment
(out of memory, or out of time) with no chance to record why, and the other records of
its batch are retried with it. So the step "bytes → pages/passages" runs in a forked
child with `RLIMIT_AS` (address space) and `RLIMIT_CPU` (CPU seconds), plus a wall-clock
deadline kept by the parent. A breach kills the child, never the worker, and becomes an
`ExtractionError` ("too large or too complex to process").

Why `os.fork` and a pipe: Lambda has no `/dev/shm`, so `multiprocessing` queues, locks and
pools do not work there; a fork needs none of them, inherits the already-imported parsers
(no interpreter start, no re-import: a spawned child costs ~0.4 s of imports here) and
shares the document's bytes copy-on-write instead of piping them. The child returns its
result as a pickle through the pipe; the parent unpickles only classes of this package
(`handlers.*`) and builtins, so a child subverted by a parser exploit cannot make the
worker run code through the pickle.

Measured peak memory (`ru_maxrss` of the child, from `wait4`) is returned with the result:
the hostile-file tests assert on it and `benchmarks/hostile_files.py` prints it.
"""

from __future__ import annotations

import faulthandler
import gc
import io
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from handlers.core.extraction.errors import ExtractionError

T = TypeVar("T")

MIB = 1024 * 1024
# Lambda gives one full vCPU at 1,769 MB; below that the CPU share scales with memory, so
# a CPU second takes longer than a wall second.
MB_PER_VCPU = 1769
# Kept out of the child's memory budget: the worker's own heap grows while the child runs
# (the pipe's buffer, the unpickled result) and the runtime needs room to report.
MEMORY_HEADROOM_BYTES = 96 * MIB
# Smallest budgets worth starting a child with.
MIN_MEMORY_BYTES = 64 * MIB
MIN_SECONDS = 1.0
# A parse that failed with the address space this close to its limit failed for want of
# memory (a quarter of the budget, at least this much: buffers grow by doubling).
NEAR_LIMIT_MIN_BYTES = 64 * MIB

TOO_COMPLEX_REASON = (
    "The file is too large or too complex to process. Split it into smaller files or"
    " simplify it (for example, export it again as a plain PDF) and upload it again."
)
TOO_COMPLEX_CODE = "too_complex"

_OK, _FAILED, _OUT_OF_MEMORY = "ok", "failed", "out_of_memory"
# The only globals a result may name: classes of our own package (pages, passages).
_ALLOWED_MODULE_PREFIX = "handlers."


@dataclass(frozen=True)
class ChildLimits:
    """What one child may use: bytes of address space on top of the worker's own, CPU
    seconds and wall-clock seconds."""

    memory_bytes: int
    cpu_seconds: float
    wall_seconds: float

    @classmethod
    def for_function(
        cls, *, memory_mb: int, remaining_ms: int, share: float = 0.5, reserve_s: float = 5.0
    ) -> ChildLimits:
        """Limits derived from the function's configured memory and remaining time.

        Extraction gets `share` of the time left after `reserve_s` (the rest is for
        embedding and writing the result); memory is what the function has minus what the
        worker already holds and a headroom.
        """
        wall = max(MIN_SECONDS, (remaining_ms / 1000 - reserve_s) * share)
        cpu = max(MIN_SECONDS, wall * min(1.0, memory_mb / MB_PER_VCPU))
        function_bytes = memory_mb * MIB
        # A Lambda worker holds a few hundred MB; one holding over half its function's memory
        # is a host process (the local stack, a test run) whose size says nothing about the
        # function's, and the child still gets half.
        memory = max(
            MIN_MEMORY_BYTES,
            function_bytes // 2,
            function_bytes - current_rss_bytes() - MEMORY_HEADROOM_BYTES,
        )
        return cls(memory_bytes=memory, cpu_seconds=cpu, wall_seconds=wall)


@dataclass(frozen=True)
class ChildRun:
    """How the child ended and what it used (`peak_rss_bytes`: its own `ru_maxrss`)."""

    peak_rss_bytes: int
    cpu_seconds: float
    wall_seconds: float
    overhead_seconds: float
    """Wall time not spent in the function: fork, limits, pickling, the pipe, unpickling
    (the price of isolation per document)."""


def current_rss_bytes() -> int:
    """The calling process's resident set now (Linux `/proc`), else its peak."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            resident_pages = int(statm.read().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _address_space_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def run_bounded(function: Callable[..., T], *args: Any, limits: ChildLimits) -> tuple[T, ChildRun]:
    """`function(*args)` in a child process within `limits`.

    Returns the function's result and the child's usage. An `ExtractionError` raised in
    the child is raised here unchanged; a limit breach (or any crash of the child) raises
    `ExtractionError(TOO_COMPLEX_CODE, TOO_COMPLEX_REASON)`.
    """
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(function, args, limits, write_end)
    os.close(write_end)
    payload, timed_out = _read_until(read_end, pid, started + limits.wall_seconds)
    _, status, usage = os.wait4(pid, 0)
    message = _decode(payload) if payload else None
    wall = time.monotonic() - started
    work = message[2] if message is not None and message[0] == _OK else wall
    run = ChildRun(
        peak_rss_bytes=usage.ru_maxrss * 1024,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        wall_seconds=wall,
        overhead_seconds=max(0.0, wall - work),
    )
    if message is not None and message[0] == _OK:
        return message[1], run
    if message is not None and message[0] == _FAILED:
        code, reason = message[1]
        raise ExtractionError(code, reason)
    raise BoundedExtractionError(_describe(status, timed_out, message), run)


class BoundedExtractionError(ExtractionError):
    """A limit was breached (or the child crashed): `how` says which, `run` what it used."""

    def __init__(self, how: str, run: ChildRun) -> None:
        super().__init__(TOO_COMPLEX_CODE, TOO_COMPLEX_REASON)
        self.how = how
        self.run = run


def _describe(status: int, timed_out: bool, message: tuple[Any, ...] | None) -> str:
    if timed_out:
        return "wall_clock"
    if message is not None and message[0] == _OUT_OF_MEMORY:
        return "memory"
    if os.WIFSIGNALED(status):
        signal_number = os.WTERMSIG(status)
        if signal_number == signal.SIGXCPU:
            return "cpu"
        return f"signal_{signal.Signals(signal_number).name}"
    return f"exit_{os.WEXITSTATUS(status)}"


def _read_until(fd: int, pid: int, deadline: float) -> tuple[bytes, bool]:
    """Everything the child writes until it closes the pipe; kills it at `deadline`."""
    chunks: list[bytes] = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                return b"", True
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)
    finally:
        os.close(fd)


def _child(
    function: Callable[..., Any], args: tuple[Any, ...], limits: ChildLimits, fd: int
) -> None:
    code = 70
    try:
        # A parser aborting on a failed allocation is expected here and reported by the
        # parent; a traceback dump on stderr would only be noise.
        faulthandler.disable()
        # The worker's objects are shared copy-on-write, and the budget counts on that
        # (`for_function` subtracts the worker's resident set once). A full collection
        # writes to the header of every object it visits and would copy the worker's
        # whole Python heap into the child; frozen, they are never visited.
        gc.freeze()
        _stop_tracing()
        address_space_limit = _limit_child(limits)
        started = time.monotonic()
        try:
            result: tuple[Any, ...] = (_OK, function(*args), time.monotonic() - started)
        except ExtractionError as exc:
            # Parsers often report a failed allocation as a damaged file (lxml: "unknown
            # error"); when the child's address space reached its limit, that is the cause.
            margin = _near_limit_margin(limits)
            near_limit = _peak_address_space_bytes() >= address_space_limit - margin
            result = (_OUT_OF_MEMORY,) if near_limit else (_FAILED, (exc.code, exc.reason))
        except MemoryError:
            result = (_OUT_OF_MEMORY,)
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps((_OUT_OF_MEMORY,))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        code = 0
    except BaseException:  # the child must never unwind into the worker's code
        code = 70
    finally:
        os._exit(code)


def _stop_tracing() -> None:
    """The child inherits the worker's X-Ray state; the worker's subsegment covers the
    child's work, so the child must send nothing of its own."""
    try:
        from aws_xray_sdk import global_sdk_config  # type: ignore[import-untyped]
    except ImportError:
        return
    global_sdk_config.set_sdk_enabled(False)


def _near_limit_margin(limits: ChildLimits) -> int:
    return max(NEAR_LIMIT_MIN_BYTES, limits.memory_bytes // 4)


def _peak_address_space_bytes() -> int:
    """`VmPeak`: the most address space this process ever held."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _limit_child(limits: ChildLimits) -> int:
    """Set the child's limits; returns its address-space limit in bytes."""
    # The child starts as a copy of the worker: its address space already holds the
    # worker's, so the limit is on top of that.
    address_space = _address_space_bytes() + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    cpu = max(1, int(limits.cpu_seconds + 0.999))
    # SIGXCPU at the soft limit ends the process (default action); SIGKILL a second later.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    return address_space


class _ResultUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.startswith(_ALLOWED_MODULE_PREFIX) and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in an extraction result")


def _decode(payload: bytes) -> tuple[Any, ...] | None:
    try:
        message = _ResultUnpickler(io.BytesIO(payload)).load()
    # Whatever the child wrote (a module that does not exist, a broken memo, a deep
    # stack), an undecodable result is no result: FAILED, never an exception that would
    # send the upload round its retries into the DLQ.
    except Exception:
        return None
    return message if isinstance(message, tuple) and message else None
