"""What importing a handler module, and serving its first requests, loads, measured in a
fresh interpreter: the cold-start import guards of the functions."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def modules_after_import(module: str, env: dict[str, str] | None = None) -> set[str]:
    """`sys.modules` after `import {module}` in a new Python process run from the repo root
    (with `env`, else this process's environment)."""
    code = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(result.stdout))


@dataclass(frozen=True)
class ServedRequest:
    status: int
    loaded: set[str]
    """`sys.modules` after this request (and every one before it in the same process)."""


_SERVE = """
import json, sys
module = __import__(sys.argv[1], fromlist=["lambda_handler"])

class Context:
    function_name = "doc-agent-test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:doc-agent-test"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    def get_remaining_time_in_millis(self):
        return 30_000

served = []
for event in json.load(sys.stdin):
    response = module.lambda_handler(event, Context())
    served.append({"status": response["statusCode"], "loaded": sorted(sys.modules)})
print(json.dumps(served))
"""


def modules_per_request(
    module: str, events: list[dict[str, Any]], env: dict[str, str]
) -> list[ServedRequest]:
    """Serve `events` one after another with `module`'s handler in a new Python process (a
    cold container: imported, then the first request of each route), run from the repo root
    with `env`; what was loaded after each. AWS is whatever `env` points at (a moto server),
    so nothing but the handler imports anything in that process."""
    result = subprocess.run(
        [sys.executable, "-c", _SERVE, module],
        cwd=ROOT,
        input=json.dumps(events),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    served = json.loads(result.stdout.strip().splitlines()[-1])
    return [ServedRequest(item["status"], set(item["loaded"])) for item in served]
