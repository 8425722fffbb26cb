"""Inside a fresh process: import a handler, initialise it, optionally serve one request.

    python -S -P handler_probe.py MODULE [EVENT_JSON_FILE]

Prints one JSON line (seconds): `import` (the module), `init` (the cached factories named
by `HANDLER_INIT`: settings and the clients every request uses), `cpu` (the CPU time of
both: what a loaded machine stretches least), and with an event
`request` (the first invocation's wall time), `aws` (the part of it spent inside botocore's HTTP send, i.e. waiting on the AWS
endpoint, connection set-up included), `status` and `loaded` (modules the request imported
that init had not).
Imports only the little it needs (json, importlib.machinery) before timing the handler:
importlib.abc or inspect here would take their cost off the handler's import.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import sys
import time
from collections.abc import Sequence
from types import ModuleType

AWS_SECONDS = [0.0]


class _TimedHttpSend:
    """Times botocore's HTTP send once botocore.httpsession is imported (whenever that is)."""

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != "botocore.httpsession":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            _time_send(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _time_send(module: ModuleType) -> None:
    session = module.URLLib3Session
    send = session.send

    def timed(self: object, request: object) -> object:
        start = time.perf_counter()
        try:
            return send(self, request)
        finally:
            AWS_SECONDS[0] += time.perf_counter() - start

    session.send = timed


class _Context:
    """The attributes Powertools reads from Lambda's context."""

    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:bench"
    memory_limit_in_mb = 1024
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def _initialise(module: ModuleType) -> list[str]:
    """Call the factories `HANDLER_INIT` names (comma-separated), else every public
    zero-argument cached factory of the module."""
    import inspect  # after the import is timed: the handler's libraries would import it

    wanted = [name for name in os.environ.get("HANDLER_INIT", "").split(",") if name]
    errors = []
    for name, value in sorted(vars(module).items()):
        if wanted and name not in wanted:
            continue
        if name.startswith("_") or not hasattr(value, "cache_info"):
            continue
        if getattr(value, "__module__", None) != module.__name__:
            continue
        try:
            if not inspect.signature(value).parameters:
                value()
        except Exception as error:
            errors.append(f"{name}: {type(error).__name__}")
    errors += [f"{name}: no such factory" for name in wanted if name not in vars(module)]
    return errors


def main() -> None:
    name = sys.argv[1]
    sys.meta_path.insert(0, _TimedHttpSend())
    start, start_cpu = time.perf_counter(), time.process_time()
    module = importlib.import_module(name)
    imported, imported_cpu = time.perf_counter(), time.process_time()
    errors = _initialise(module)
    done, done_cpu = time.perf_counter(), time.process_time()
    result: dict[str, object] = {
        "import": imported - start,
        "init": done - imported,
        "cpu": done_cpu - start_cpu,
        "import_cpu": imported_cpu - start_cpu,
    }
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as source:
            event = json.load(source)
        before = set(sys.modules)
        AWS_SECONDS[0] = 0.0
        started = time.perf_counter()
        response = module.lambda_handler(event, _Context())
        result["request"] = time.perf_counter() - started
        result["aws"] = AWS_SECONDS[0]
        result["status"] = response.get("statusCode") if isinstance(response, dict) else None
        result["loaded"] = sorted(set(sys.modules) - before)
    result["errors"] = errors
    print(json.dumps(result))


if __name__ == "__main__":
    main()
