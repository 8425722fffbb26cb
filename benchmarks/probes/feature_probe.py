"""Inside a fresh process: import the `api` function's features one after another.

    python -S -P feature_probe.py STEPS

Runs the first STEPS steps of `STEPS` below and prints one JSON line with `import`, the
seconds they took together, and `cpu`, the CPU time of it. The benchmark runs every prefix in fresh processes, so the
difference between two prefixes is what that feature adds on top of the ones before it.
"""

from __future__ import annotations

import json
import sys
import time


def _bare() -> None:
    import boto3  # noqa: F401
    from aws_lambda_powertools import Logger  # noqa: F401
    from boto3.dynamodb.conditions import Key  # noqa: F401


def _tracer() -> None:
    from aws_lambda_powertools import Tracer

    Tracer(service="bench", patch_modules=("botocore",))


def _pydantic() -> None:
    from pydantic import BaseModel

    class Probe(BaseModel):
        name: str

    Probe(name="bench")


def _event_handler() -> None:
    import handlers.core.runtime.lean_imports  # noqa: F401  # isort: skip  (as the handlers do: first)
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

    APIGatewayRestResolver()


def _validation() -> None:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver
    from aws_lambda_powertools.event_handler.openapi.params import Path  # noqa: F401

    APIGatewayRestResolver(enable_validation=True)


def _handler() -> None:
    import handlers.api  # noqa: F401


STEPS = (
    ("boto3 + Logger (the bare handler's imports)", _bare),
    ("Tracer: X-Ray SDK, botocore patched", _tracer),
    ("pydantic, one model built", _pydantic),
    ("event handler: APIGatewayRestResolver", _event_handler),
    ("request/response validation (enable_validation)", _validation),
    ("the rest of handlers.api (our modules, models, routes)", _handler),
)


def main() -> None:
    count = int(sys.argv[1])
    start, start_cpu = time.perf_counter(), time.process_time()
    for _, step in STEPS[:count]:
        step()
    cpu = time.process_time() - start_cpu
    print(json.dumps({"import": time.perf_counter() - start, "cpu": cpu, "errors": []}))


if __name__ == "__main__":
    main()
