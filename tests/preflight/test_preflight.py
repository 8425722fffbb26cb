"""`make preflight` against moto, and botocore's Stubber where moto lacks the call.

moto implements SES identities and quotas, API Gateway's account, STS and Route 53; it
does not implement Lambda's GetAccountSettings or Cost Explorer's ListCostAllocationTags,
so those answers are stubbed (the Stubber still validates each request and response
against the service model).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from components.config import StackConfig, parse_config
from scripts.preflight import preflight, render
from scripts.preflight_checks import (
    check_cli_versions,
    check_cost_allocation_tag,
    check_gateway_account,
    check_hosted_zone,
    check_lambda_concurrency,
    check_ses_identity,
)
from tests.infra.program import stack_config

REGION = "eu-west-1"


def _config(stack: str, **changes: object) -> StackConfig:
    raw = stack_config(stack)
    for key, value in changes.items():
        raw[key] = json.dumps(value)
    return parse_config(raw)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        yield


def _lambda_with_quota(limit: int) -> Any:
    client = boto3.client("lambda", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_response(
        "get_account_settings",
        {
            "AccountLimit": {
                "ConcurrentExecutions": limit,
                "UnreservedConcurrentExecutions": limit,
            },
            "AccountUsage": {"FunctionCount": 0},
        },
    )
    stubber.activate()
    return client


def _ce_with_tag(status: str | None) -> Any:
    client = boto3.client("ce", region_name="us-east-1")
    stubber = Stubber(client)
    tags = (
        [] if status is None else [{"TagKey": "project", "Type": "UserDefined", "Status": status}]
    )
    stubber.add_response(
        "list_cost_allocation_tags", {"CostAllocationTags": tags}, {"TagKeys": ["project"]}
    )
    stubber.activate()
    return client


# --- Lambda concurrency ---------------------------------------------------------------------

RESERVING = {
    "api": {"memoryMb": 1024, "timeoutSeconds": 15, "reservedConcurrency": 50},
    "agent": {"memoryMb": 1769, "timeoutSeconds": 29, "reservedConcurrency": 50},
}


def test_reservations_over_the_quota_fail_with_the_quota_to_request(aws: None) -> None:
    config = _config("prod", **{"doc-agent:functions": RESERVING})
    check = check_lambda_concurrency(_lambda_with_quota(10), config)
    assert check.status == "FAIL"
    # 100 reserved + the 100 AWS keeps unreserved
    assert "at least 200" in check.fix
    assert "L-B99A9384" in check.fix


def test_reservations_within_the_quota_pass(aws: None) -> None:
    config = _config("prod", **{"doc-agent:functions": RESERVING})
    assert check_lambda_concurrency(_lambda_with_quota(1000), config).status == "ok"


def test_a_new_accounts_quota_is_a_warning_without_reservations(aws: None) -> None:
    check = check_lambda_concurrency(_lambda_with_quota(10), _config("prod"))
    assert check.status == "warn"
    assert "1000" in check.fix


# --- SES ------------------------------------------------------------------------------------


def test_an_unverified_ses_identity_fails_with_how_to_verify_it(aws: None) -> None:
    checks = check_ses_identity(boto3.client("ses", region_name=REGION), _config("prod"))
    identity = next(c for c in checks if c.name.startswith("SES identity"))
    assert identity.status == "FAIL"
    assert "create-email-identity --email-identity example.com" in identity.fix


def test_a_verified_identity_passes_and_the_sandbox_is_a_warning(aws: None) -> None:
    ses = boto3.client("ses", region_name=REGION)
    ses.verify_domain_identity(Domain="example.com")  # moto marks it verified at once
    checks = {c.name: c for c in check_ses_identity(ses, _config("prod"))}
    assert checks["SES identity example.com"].status == "ok"
    assert checks["SES production access"].status == "warn"


def test_dev_without_ses_is_told_about_cognitos_daily_limit(aws: None) -> None:
    (check,) = check_ses_identity(boto3.client("ses", region_name=REGION), _config("dev"))
    assert check.status == "warn"
    assert "doc-agent:auth.email" in check.fix


# --- cost-allocation tag --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"), [("Active", "ok"), ("Inactive", "FAIL"), (None, "warn")]
)
def test_the_budgets_tag_must_be_active(aws: None, status: str | None, expected: str) -> None:
    check = check_cost_allocation_tag(_ce_with_tag(status))
    assert check.status == expected
    if expected != "ok":
        assert "TagKey=project,Status=Active" in check.fix


# --- API Gateway's account setting ----------------------------------------------------------


def test_a_stack_that_does_not_own_the_gateway_role_needs_it_set(aws: None) -> None:
    apigateway = boto3.client("apigateway", region_name=REGION)
    check = check_gateway_account(apigateway, "dev", _config("dev"))
    assert check.status == "FAIL"
    assert "manageGatewayAccount" in check.fix
    role = "arn:aws:iam::123456789012:role/gateway-logs"
    apigateway.update_account(
        patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}]
    )
    assert check_gateway_account(apigateway, "dev", _config("dev")).status == "ok"


def test_the_owning_stack_sets_the_gateway_role_itself(aws: None) -> None:
    apigateway = boto3.client("apigateway", region_name=REGION)
    assert check_gateway_account(apigateway, "prod", _config("prod")).status == "ok"


# --- command-line tools ---------------------------------------------------------------------


def _runner(outputs: dict[str, str | None]) -> Any:
    def run(command: Sequence[str]) -> str | None:
        return outputs.get(command[0])

    return run


def test_missing_or_old_tools_are_named_with_the_fix() -> None:
    run = _runner({"pulumi": None, "node": "v18.19.0", "aws": "aws-cli/2.17.0 Python/3.12"})
    checks = {c.name: c for c in check_cli_versions(run, (3, 272, 0))}
    assert checks["Pulumi CLI"].status == "FAIL"
    assert checks["Node.js (make site)"].status == "FAIL"
    assert "20.9.0" in checks["Node.js (make site)"].fix
    assert checks["AWS CLI"].status == "ok"


def test_a_pulumi_cli_older_than_the_sdk_is_a_warning() -> None:
    run = _runner({"pulumi": "v3.100.0\n", "node": "v20.9.0", "aws": "aws-cli/1.45.11 Python/3"})
    checks = {c.name: c for c in check_cli_versions(run, (3, 272, 0))}
    assert checks["Pulumi CLI"].status == "warn"
    assert checks["AWS CLI"].status == "warn"


# --- the whole run --------------------------------------------------------------------------


def test_preflight_for_a_stack_lists_every_check_and_each_fix(aws: None) -> None:
    stubbed = {"lambda": _lambda_with_quota(10), "ce": _ce_with_tag("Inactive")}

    def clients(service: str, region: str) -> Any:
        return stubbed.get(service) or boto3.client(service, region_name=region)

    run = _runner({"pulumi": "v3.272.0", "node": "v20.20.0", "aws": "aws-cli/2.17.0"})
    checks = preflight("prod", clients, run=run)
    names = {check.name for check in checks}
    assert {
        "AWS credentials",
        "Lambda concurrency quota",
        "SES identity example.com",
        "cost-allocation tag project",
        "API Gateway CloudWatch role",
    } <= names
    failing = {check.name for check in checks if check.status == "FAIL"}
    assert failing == {"SES identity example.com", "cost-allocation tag project"}
    printed = render("prod", checks)
    assert "fix: activate it" in printed


# --- Route 53 zone --------------------------------------------------------------------------


def _route53_with_zone(name: str) -> Any:
    client = boto3.client("route53", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_response(
        "get_hosted_zone",
        {
            "HostedZone": {"Id": "/hostedzone/Z123", "Name": name, "CallerReference": "r"},
            "DelegationSet": {"NameServers": ["ns-1.example.net"]},
        },
        {"Id": "Z123"},
    )
    stubber.activate()
    return client


@pytest.mark.parametrize(
    ("domain", "zone", "expected"),
    [
        ("docs.example.com", "example.com.", "ok"),
        ("example.com", "example.com.", "ok"),
        # The same suffix is not the same zone: notexample.com is someone else's domain.
        ("docs.notexample.com", "example.com.", "FAIL"),
        ("docs.example.com", "other.com.", "FAIL"),
    ],
)
def test_the_zone_must_hold_the_sites_domain(domain: str, zone: str, expected: str) -> None:
    config = _config(
        "prod",
        **{"doc-agent:site": {"customDomain": {"domainName": domain, "hostedZoneId": "Z123"}}},
    )
    check = check_hosted_zone(_route53_with_zone(zone), config)
    assert check is not None
    assert check.status == expected, check.detail
