"""The first request of each route after a cold init, against moto in this process.

The local stack (`local.LocalStack`: moto, the resources from the shared definitions, the
SQS poller feeding the ingest handler) runs here; a READY document, a conversation and a
message are created through the handlers in-process. Each measured run is then a fresh
Lambda-like process (`benchmarks.lambda_like`) that imports the function, initialises it
and serves one API Gateway event generated from `handlers.core.contracts.routes.ROUTES`, with
tracing and metrics on as deployed. A DELETE gets a resource of its own each run.

Two modes per route:
- *cold*: import + init, then the request: what the first user after an idle period waits
  for, besides Lambda's own start-up, when SnapStart is off.
- *primed*: the same with `AWS_LAMBDA_INITIALIZATION_TYPE=snap-start`, so the handler's
  init primes what it primes for a SnapStart snapshot (`handlers.core.runtime.snapstart`): the
  request is what a restored container still does (Lambda's restore itself is not
  measurable here).
The request's time inside botocore's HTTP send (moto answering, connections set up) is
reported apart and subtracted: "request - AWS" is the function's own work.
"""

from __future__ import annotations

import json
import socket
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.lambda_like import (
    BENCH_ROOT,
    Job,
    Layout,
    Samples,
    init_environment,
    measure_interleaved,
)
from handlers.core.contracts.routes import ROUTES
from lambda_build.bytecode import BytecodeCompiler

PROBE = str(Path(__file__).resolve().parent / "probes" / "handler_probe.py")
USER = "bench0000-0000-4000-8000-000000000000"
ORIGIN = "http://127.0.0.1:3000"
DOCUMENT_TEXT = (
    "# Warranty\n\nThe warranty lasts two years from the date of purchase. "
    "Keep the receipt: repairs under warranty need it.\n\n"
    "# Cleaning\n\nWipe the case with a dry cloth; never use solvents.\n"
) * 20
# Request bodies by route; any other route with a body gets `{}` (its status shows it).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    # The declared size is the file's: ingest fails a file bigger than declared.
    ("POST", "/documents"): {
        "name": "notes.txt",
        "contentType": "text/plain",
        "size": len(DOCUMENT_TEXT.encode()),
    },
    ("POST", "/conversations"): {},
    ("POST", "/conversations/{conversationId}/messages"): {
        "question": "How long does the warranty last?"
    },
    ("PUT", "/conversations/{conversationId}/messages/{messageId}/feedback"): {"rating": "up"},
}


@dataclass(frozen=True)
class RouteCase:
    function: str
    method: str
    path: str

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def route_cases(functions: list[str]) -> list[RouteCase]:
    """Every method of every route the measured functions serve, in the table's order."""
    return [
        RouteCase(route.function, method, route.path)
        for route in ROUTES
        if route.function in functions
        for method in route.methods
    ]


@dataclass(frozen=True)
class RouteTiming:
    case: RouteCase
    cold: Samples
    primed: Samples


class BenchData:
    """A running local stack with one user's READY document, conversation and message."""

    def __init__(self, functions: Any, env: dict[str, str]) -> None:
        self._functions = functions
        self.env = env
        self.values: dict[str, str] = {}

    def invoke(
        self, function: str, method: str, path: str, params: dict[str, str], body: Any = None
    ) -> tuple[int, Any]:
        result = self._functions.invoke(function, route_event(method, path, params, body))
        payload = json.loads(result["body"]) if result.get("body") else None
        return int(result["statusCode"]), payload

    def seed(self, moto_s3: Any, bucket: str) -> None:
        document = self.new_document(moto_s3, bucket)
        deadline = time.monotonic() + 60
        while True:
            _, details = self.invoke("api", "GET", "/documents/{documentId}", self._doc(document))
            if details["document"]["status"] == "READY":
                break
            if details["document"]["status"] == "FAILED" or time.monotonic() > deadline:
                raise SystemExit(f"the benchmark's document did not ingest: {details}")
            time.sleep(0.2)
        conversation = self.new_conversation()
        path = "/conversations/{conversationId}/messages"
        _, message = self.invoke(
            "agent", "POST", path, {"conversationId": conversation}, BODIES[("POST", path)]
        )
        self.values = {
            "documentId": document,
            "conversationId": conversation,
            "messageId": message["messageId"],
            "part": "1",
        }

    def new_document(self, moto_s3: Any | None = None, bucket: str = "") -> str:
        status, created = self.invoke(
            "api", "POST", "/documents", {}, BODIES[("POST", "/documents")]
        )
        if status != 201:
            raise SystemExit(f"POST /documents answered {status}: {created}")
        if moto_s3 is not None:
            key = created["upload"]["fields"]["key"]
            moto_s3.put_object(Bucket=bucket, Key=key, Body=DOCUMENT_TEXT.encode())
        return str(created["document"]["documentId"])

    def new_conversation(self) -> str:
        _, conversation = self.invoke("agent", "POST", "/conversations", {}, {})
        return str(conversation["conversationId"])

    def params_for(self, case: RouteCase) -> dict[str, str]:
        """The route's path parameters; a DELETE gets a fresh resource to delete."""
        values = dict(self.values)
        if case.method == "DELETE" and case.path == "/documents/{documentId}":
            values["documentId"] = self.new_document()
        elif case.method == "DELETE" and case.path == "/conversations/{conversationId}":
            values["conversationId"] = self.new_conversation()
        names = [part[1:-1] for part in case.path.split("/") if part.startswith("{")]
        return {name: values.get(name, "bench") for name in names}

    @staticmethod
    def _doc(document_id: str) -> dict[str, str]:
        return {"documentId": document_id}


def route_event(
    method: str, template: str, params: dict[str, str], body: Any = None
) -> dict[str, Any]:
    """The REST proxy event API Gateway (with the Cognito authorizer) sends for this route."""
    from local.http_types import HttpRequest
    from local.proxy_event import proxy_event

    path = template
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    headers = (("Content-Type", "application/json"), ("Origin", ORIGIN), ("Host", "bench"))
    request = HttpRequest(
        method=method,
        path=path,
        query="",
        headers=headers,
        body=b"" if body is None else json.dumps(body).encode(),
    )
    claims = {"sub": USER, "email": "bench@example.com"}
    return proxy_event(request, template, path, params, claims)


@contextmanager
def running_stack() -> Iterator[BenchData]:
    """The local stack with seeded data, and the environment a probe needs to reach it."""
    import os

    import boto3

    from local.functions import LocalFunctions
    from local.stack import LocalStack

    before = dict(os.environ)
    stack = LocalStack(port=0, log_requests=False, site_dir=BENCH_ROOT / "no-site")
    # X-Ray segments go to a socket nobody reads, as they would to the daemon.
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    try:
        info = stack.start()
        env = {name: value for name, value in os.environ.items() if before.get(name) != value}
        for name in ("POWERTOOLS_TRACE_DISABLED", "POWERTOOLS_METRICS_DISABLED"):
            env.pop(name, None)
        env["AWS_XRAY_DAEMON_ADDRESS"] = f"127.0.0.1:{sink.getsockname()[1]}"
        env["_X_AMZN_TRACE_ID"] = (
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        )
        data = BenchData(LocalFunctions(info.region), env)
        data.seed(boto3.client("s3", endpoint_url=info.moto_endpoint), info.bucket_name)
        yield data
    finally:
        stack.stop()
        sink.close()


def measure_routes(
    python: BytecodeCompiler,
    layouts: dict[str, Layout],
    cases: list[RouteCase],
    runs: int,
    progress: Callable[[str], None],
) -> list[RouteTiming]:
    timings: list[RouteTiming] = []
    with running_stack() as data:
        for case in cases:
            progress(case.label)
            jobs = _route_jobs(data, case, layouts[case.function])
            samples = measure_interleaved(python, jobs, runs)
            timings.append(RouteTiming(case, samples["cold"], samples["primed"]))
    return timings


def _route_jobs(data: BenchData, case: RouteCase, layout: Layout) -> list[Job]:
    """The cold and the primed probe of one route; each run gets its own event file."""
    events = BENCH_ROOT / "events"
    events.mkdir(parents=True, exist_ok=True)
    body = BODIES.get((case.method, case.path))
    if body is None and case.method in ("POST", "PUT", "PATCH"):
        body = {}

    def event_file(kind: str, index: int) -> str:
        event = route_event(case.method, case.path, data.params_for(case), body)
        target = events / f"{case.function}-{case.method}-{kind}-{index + 1}.json"
        target.write_text(json.dumps(event))
        return str(target)

    probe = (PROBE, f"handlers.{case.function}")
    env = {**data.env, **init_environment(case.function)}
    return [
        Job("cold", layout, probe, env, lambda index: [event_file("cold", index)]),
        Job(
            "primed",
            layout,
            probe,
            {**env, "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"},
            lambda index: [event_file("primed", index)],
        ),
    ]


def _own_ms(samples: Samples) -> list[float]:
    return [
        (float(run["request"]) - float(run["aws"])) * 1000
        for run in samples.runs
        if "request" in run
    ]


def _cell(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f})"


def _loaded_packages(samples: Samples) -> str:
    """Third-party packages (and our modules, counted) the first request imported."""
    first = next((run for run in samples.runs if "loaded" in run), None)
    if first is None:
        return "-"
    stdlib = sys.stdlib_module_names
    names = sorted(
        {name.split(".")[0] for name in first["loaded"]}
        - set(stdlib)
        - {"handlers", "_cffi_backend"}
    )
    ours = sum(1 for name in first["loaded"] if name.startswith("handlers."))
    return ", ".join([*names[:6], *(["..."] if len(names) > 6 else []), f"{ours} of ours"])


def routes_table(timings: list[RouteTiming]) -> str:
    header = [
        "route",
        "status",
        "cold: request ms",
        "AWS ms",
        "request - AWS ms",
        "SnapStart init (restore path): request - AWS ms",
        "the request imported",
        "errors",
    ]
    rows = []
    for timing in timings:
        cold = timing.cold
        statuses = sorted({str(run.get("status")) for run in cold.runs if "status" in run})
        aws = [float(run["aws"]) * 1000 for run in cold.runs if "aws" in run]
        requests = [float(run["request"]) * 1000 for run in cold.runs if "request" in run]
        errors = sorted(set(cold.errors()) | set(timing.primed.errors()))
        rows.append(
            [
                f"{timing.case.function}: {timing.case.label}",
                "/".join(statuses) or "-",
                _cell(requests),
                _cell(aws),
                _cell(_own_ms(cold)),
                _cell(_own_ms(timing.primed)),
                _loaded_packages(cold),
                "; ".join(errors) or "-",
            ]
        )
    return format_table(header, rows)


def format_table(header: list[str], rows: list[list[str]]) -> str:
    width = len(header)
    padded = [row + [""] * (width - len(row)) for row in rows]
    widths = [max(len(row[i]) for row in (header, *padded)) for i in range(width)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in (header, *padded)
    )
