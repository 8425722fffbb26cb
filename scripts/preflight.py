"""Check an AWS account and this machine before a stack's first `pulumi up`; say what to fix.

    python scripts/preflight.py --stack prod      # or: make preflight STACK=prod

Each check reads what it can with boto3 (read-only calls) and prints ok, warn or FAIL with
the fix; the exit status is 1 when anything FAILs. What cannot be read from an API is in
docs/operations.md ("First deploy").
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from components.config import StackConfig, parse_config, read_stack_file  # noqa: E402
from components.tags import COST_TAG  # noqa: E402
from scripts.preflight_checks import (  # noqa: E402
    Check,
    Run,
    check_bytecode_compiler,
    check_cli_versions,
    check_cost_allocation_tag,
    check_gateway_account,
    check_hosted_zone,
    check_lambda_concurrency,
    check_ses_identity,
    pinned_pulumi_sdk,
)


def run_command(command: Sequence[str]) -> str | None:
    if shutil.which(command[0]) is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - fixed version commands
            list(command), capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


Clients = Callable[[str, str], Any]
"""(service, region) -> a boto3 client."""


def account_checks(clients: Clients, stack: str, config: StackConfig) -> list[Check]:
    """Every check that reads the AWS account; one that cannot be read says why."""
    region = config.region
    email = config.auth.email
    steps: list[tuple[str, Callable[[], Check | list[Check] | None]]] = [
        (
            "Lambda concurrency quota",
            lambda: check_lambda_concurrency(clients("lambda", region), config),
        ),
        (
            "SES",
            lambda: check_ses_identity(
                clients("ses", email.identity_region(region) if email else region), config
            ),
        ),
        (
            f"cost-allocation tag {COST_TAG}",
            lambda: check_cost_allocation_tag(clients("ce", "us-east-1")),
        ),
        (
            "API Gateway CloudWatch role",
            lambda: check_gateway_account(clients("apigateway", region), stack, config),
        ),
        ("Route 53 zone", lambda: check_hosted_zone(clients("route53", "us-east-1"), config)),
    ]
    checks: list[Check] = []
    for name, step in steps:
        try:
            result = step()
        except Exception as error:  # any API error is reported, not raised
            checks.append(
                Check(
                    name,
                    "FAIL",
                    f"could not check: {error}",
                    "run with credentials that may read it (see docs/operations.md)",
                )
            )
            continue
        if isinstance(result, Check):
            checks.append(result)
        elif result:
            checks.extend(result)
    return checks


def preflight(
    stack: str, clients: Clients, run: Run = run_command, root: Path = ROOT
) -> list[Check]:
    config = parse_config(read_stack_file(root / f"Pulumi.{stack}.yaml"))
    checks = check_cli_versions(run, pinned_pulumi_sdk(root))
    checks.append(check_bytecode_compiler())
    try:
        identity = clients("sts", config.region).get_caller_identity()
    except Exception as error:  # no credentials: no account checks
        return [
            *checks,
            Check(
                "AWS credentials",
                "FAIL",
                str(error),
                "configure credentials (AWS_PROFILE, `aws sso login`)",
            ),
        ]
    checks.append(Check("AWS credentials", "ok", f"account {identity['Account']}, {config.region}"))
    return checks + account_checks(clients, stack, config)


def render(stack: str, checks: Sequence[Check]) -> str:
    width = max(len(check.name) for check in checks)
    lines = [f"preflight for stack {stack}"]
    for check in checks:
        lines.append(f"  {check.status:<4}  {check.name:<{width}}  {check.detail}")
        if check.fix and check.status != "ok":
            lines.append(f"        {'':<{width}}  fix: {check.fix}")
    return "\n".join(lines)


def boto3_clients(service: str, region: str) -> Any:
    import boto3

    return boto3.client(service, region_name=region)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/preflight.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--stack", required=True, help="dev, prod, ... (reads Pulumi.<stack>.yaml)")
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    args = parser.parse_args(argv)
    checks = preflight(args.stack, boto3_clients)
    if args.json:
        print(json.dumps([check.__dict__ for check in checks], indent=2))
    else:
        print(render(args.stack, checks))
    return 1 if any(check.status == "FAIL" for check in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
