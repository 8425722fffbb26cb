"""The checks `scripts/preflight.py` runs: each reads one thing and says what to fix.

Every check takes its boto3 client (or a command runner) as an argument, so the tests
give it moto's, or a botocore Stubber where moto lacks the call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from components.config import StackConfig
from components.tags import COST_TAG

ROOT = Path(__file__).resolve().parent.parent
Status = Literal["ok", "warn", "FAIL"]
# AWS keeps this many executions out of any reservation (Lambda's UnreservedConcurrentExecutions floor).
UNRESERVED_MINIMUM = 100
# Service Quotas' code for Lambda's "Concurrent executions".
LAMBDA_CONCURRENCY_QUOTA = "L-B99A9384"
# A new account's usual quota is far below this default; traffic peaks need it.
DEFAULT_CONCURRENCY_QUOTA = 1000
# SES's sandbox allows 200 messages a day, to verified recipients only.
SES_SANDBOX_DAILY = 200
NODE_MINIMUM = (20, 9, 0)


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


Run = Callable[[Sequence[str]], str | None]
"""Runs a command and returns its stdout, or None when it is missing or fails."""


def _version(text: str | None) -> tuple[int, ...] | None:
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", text or "")
    return tuple(int(part) for part in match.groups()) if match else None


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def pinned_pulumi_sdk(root: Path = ROOT) -> tuple[int, ...]:
    """The Pulumi SDK version requirements.txt pins (the CLI should be at least as new)."""
    match = re.search(r"^pulumi==(\S+)$", (root / "requirements.txt").read_text(), re.M)
    found = _version(match.group(1) if match else None)
    return found or (3, 0, 0)


def check_cli_versions(run: Run, sdk: tuple[int, ...]) -> list[Check]:
    checks = []
    pulumi = _version(run(["pulumi", "version"]))
    if pulumi is None:
        checks.append(
            Check(
                "Pulumi CLI",
                "FAIL",
                "not found",
                "install it: https://www.pulumi.com/docs/install/",
            )
        )
    elif pulumi < sdk:
        checks.append(
            Check(
                "Pulumi CLI",
                "warn",
                f"{_dotted(pulumi)}, older than the SDK {_dotted(sdk)}",
                "update it: `pulumi version` should be at least the SDK's",
            )
        )
    else:
        checks.append(Check("Pulumi CLI", "ok", _dotted(pulumi)))
    node = _version(run(["node", "--version"]))
    if node is None or node < NODE_MINIMUM:
        found = "not found" if node is None else _dotted(node)
        checks.append(
            Check(
                "Node.js (make site)",
                "FAIL",
                found,
                f"install Node.js {_dotted(NODE_MINIMUM)} or newer",
            )
        )
    else:
        checks.append(Check("Node.js (make site)", "ok", _dotted(node)))
    aws = _version(run(["aws", "--version"]))
    if aws is None or aws < (2,):
        found = "not found" if aws is None else f"{_dotted(aws)} (v1)"
        checks.append(
            Check("AWS CLI", "warn", found, "install AWS CLI v2: the runbook's commands use it")
        )
    else:
        checks.append(Check("AWS CLI", "ok", _dotted(aws)))
    return checks


def check_bytecode_compiler() -> Check:
    from lambda_build.bytecode import find_compiler

    found = find_compiler()
    if found is None:
        return Check(
            "Python 3.13 (bytecode)",
            "warn",
            "not found",
            "install Python 3.13: without it cold starts compile every module",
        )
    return Check("Python 3.13 (bytecode)", "ok", found.executable)


def required_concurrency(config: StackConfig) -> int:
    """The account quota the stack's reservations need (AWS keeps 100 unreserved)."""
    reserved = config.functions.reserved_total()
    return reserved + UNRESERVED_MINIMUM if reserved else 0


def check_lambda_concurrency(lambda_client: Any, config: StackConfig) -> Check:
    limit = int(lambda_client.get_account_settings()["AccountLimit"]["ConcurrentExecutions"])
    needed = required_concurrency(config)
    request = (
        f"request a higher Lambda 'Concurrent executions' quota ({LAMBDA_CONCURRENCY_QUOTA}) in "
        f"Service Quotas, in {config.region}"
    )
    if needed > limit:
        return Check(
            "Lambda concurrency quota",
            "FAIL",
            f"{limit}; the stack reserves {config.functions.reserved_total()} and AWS keeps "
            f"{UNRESERVED_MINIMUM} unreserved, so it needs {needed}",
            f"{request} of at least {needed}, or remove reservedConcurrency from the config",
        )
    ingest_cap = config.functions.ingest.max_concurrency or 0
    if limit < DEFAULT_CONCURRENCY_QUOTA:
        return Check(
            "Lambda concurrency quota",
            "warn",
            f"{limit} (a new account's quota; ingest alone may take {ingest_cap})",
            f"{request} of {DEFAULT_CONCURRENCY_QUOTA}",
        )
    return Check(
        "Lambda concurrency quota", "ok", f"{limit}, the stack needs {needed or 'none reserved'}"
    )


def check_ses_identity(ses_client: Any, config: StackConfig) -> list[Check]:
    email = config.auth.email
    if email is None:
        return [
            Check(
                "Cognito e-mail",
                "warn",
                "Cognito's built-in sender (a few dozen e-mails a day)",
                "fine for dev; for real users set doc-agent:auth.email (SES)",
            )
        ]
    identity = email.ses_identity
    attributes = ses_client.get_identity_verification_attributes(Identities=[identity])
    status = attributes["VerificationAttributes"].get(identity, {}).get("VerificationStatus")
    region = email.identity_region(config.region)
    checks = []
    if status != "Success":
        checks.append(
            Check(
                f"SES identity {identity}",
                "FAIL",
                f"{status or 'not found'} in {region}",
                f"verify it in SES ({region}): `aws sesv2 create-email-identity "
                f"--email-identity {identity}`, then publish the DKIM records it returns",
            )
        )
    else:
        checks.append(Check(f"SES identity {identity}", "ok", f"verified in {region}"))
    quota = ses_client.get_send_quota()
    if float(quota["Max24HourSend"]) <= SES_SANDBOX_DAILY:
        checks.append(
            Check(
                "SES production access",
                "warn",
                "sandbox: verified recipients only, 200 a day",
                f"request production access for SES in {region} (SES console, Account dashboard)",
            )
        )
    else:
        checks.append(Check("SES production access", "ok", f"{quota['Max24HourSend']:.0f} a day"))
    return checks


def check_cost_allocation_tag(ce_client: Any) -> Check:
    found = ce_client.list_cost_allocation_tags(TagKeys=[COST_TAG])["CostAllocationTags"]
    status = found[0]["Status"] if found else None
    name = f"cost-allocation tag {COST_TAG}"
    if status == "Active":
        return Check(name, "ok", "active")
    activate = (
        "`aws ce update-cost-allocation-tags-status --cost-allocation-tags-status "
        f"TagKey={COST_TAG},Status=Active`"
    )
    if status is None:
        # Billing lists a tag only after a tagged resource exists (up to 24 h): before the
        # first deploy there is nothing to activate yet.
        return Check(name, "warn", "not seen yet: the budget sees no cost until it is active",
                     f"after the first deploy (up to 24 h), activate it: {activate}")  # fmt: skip
    return Check(name, "FAIL", f"{status}: the budget filters on it and sees no cost",
                 f"activate it: {activate}")  # fmt: skip


def check_gateway_account(apigateway_client: Any, stack: str, config: StackConfig) -> Check:
    role = apigateway_client.get_account().get("cloudwatchRoleArn")
    name = "API Gateway CloudWatch role"
    if config.api.owns_gateway_account(stack):
        detail = f"this stack sets it (currently {role or 'unset'})"
        return Check(name, "ok", detail)
    if role:
        return Check(name, "ok", f"set by the owning stack: {role}")
    return Check(
        name,
        "FAIL",
        "unset, and this stack does not own it: the stage's logging would be refused",
        "deploy the owning stack (prod) first, or set doc-agent:api.manageGatewayAccount: true",
    )


def check_hosted_zone(route53_client: Any, config: StackConfig) -> Check | None:
    domain = config.site.custom_domain
    if domain is None:
        return None
    zone = route53_client.get_hosted_zone(Id=domain.hosted_zone_id)["HostedZone"]["Name"]
    fqdn = f"{domain.domain_name}.".lower()
    zone = zone.lower()
    # Label by label: `notexample.com.` ends with `example.com.` but is not in its zone.
    if fqdn != zone and not fqdn.endswith(f".{zone}"):
        return Check(
            "Route 53 zone",
            "FAIL",
            f"{zone} does not hold {domain.domain_name}",
            "set doc-agent:site.customDomain.hostedZoneId to the domain's zone",
        )
    # The certificate CloudFront uses is requested in us-east-1 by the program itself.
    return Check("Route 53 zone", "ok", f"{zone} (certificate requested in us-east-1)")
