"""The stack config: both real stacks parse; every bad value fails with its key path."""

from __future__ import annotations

import json

import pytest

from components.config import ConfigError, parse_config
from tests.infra.program import STACKS, MockedPulumi, stack_config


@pytest.mark.parametrize("stack_name", STACKS)
def test_real_stack_configs_are_valid(stack_name: str) -> None:
    config = parse_config(stack_config(stack_name))
    assert config.region
    assert config.budget.monthly_limit_usd > 0


def test_prod_differs_from_dev_where_production_differs() -> None:
    dev, prod = (parse_config(stack_config(name)) for name in STACKS)
    assert (dev.data.deletion_protection, prod.data.deletion_protection) == (False, True)
    assert (dev.data.backups, prod.data.backups) == (False, True)
    assert prod.logs.retention_days > dev.logs.retention_days
    assert (dev.api.waf, prod.api.waf) == (False, True)
    assert (dev.functions.snap_start, prod.functions.snap_start) == (False, True)
    assert prod.auth.deletion_protection
    # The 👎-rate alarm is off in dev, on in prod
    assert dev.alarms.feedback_negative_rate_percent is None
    assert prod.alarms.feedback_negative_rate_percent is not None
    # Both rerank (the key's default): the answers are the same product in each
    assert (dev.functions.agent.reranker, prod.functions.agent.reranker) == (True, True)


def _with(stack: str, **changes: object) -> dict[str, str]:
    config = stack_config(stack)
    for key, value in changes.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value if isinstance(value, str) else json.dumps(value)
    return config


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"aws:region": None}, "aws:region: required"),
        ({"aws:region": "mars-1"}, "aws:region: must be an AWS region like eu-west-1"),
        (
            {"doc-agent:budget": {"monthlyLimitUsd": -5}},
            "doc-agent:budget.monthlyLimitUsd: must be greater than 0",
        ),
        ({"doc-agent:budget": None}, "doc-agent:budget: required"),
        ({"doc-agent:colour": "blue"}, "doc-agent:colour: unknown key"),
        (
            {"doc-agent:data": {"deletionProtect": True}},
            "doc-agent:data.deletionProtect: unknown key",
        ),
        (
            {"doc-agent:alarms": {"emails": ["ops@example.com", "not-an-email"]}},
            "doc-agent:alarms.emails[1]: must be an e-mail address",
        ),
        (
            {"doc-agent:functions": {"agent": {"memoryMb": 1024, "timeoutSeconds": 60}}},
            "doc-agent:functions.agent: timeoutSeconds must be at most 29",
        ),
        (
            {
                "doc-agent:functions": {
                    "agent": {"memoryMb": 1024, "timeoutSeconds": 29, "reranker": "maybe"}
                }
            },
            "doc-agent:functions.agent.reranker: must be a valid boolean",
        ),
        (
            {
                "doc-agent:functions": {
                    "api": {"memoryMb": 512, "timeoutSeconds": 15, "reranker": True}
                }
            },
            "doc-agent:functions.api.reranker: unknown key",
        ),
        (
            {"doc-agent:logs": {"retentionDays": 10}},
            "doc-agent:logs.retentionDays: must be 1, 3, 5",
        ),
        (
            {"doc-agent:alarms": {"feedbackNegativeRatePercent": 0}},
            "doc-agent:alarms.feedbackNegativeRatePercent: must be greater than 0",
        ),
        (
            {"doc-agent:site": {"allowedOrigins": ["https://ok.example.com/path"]}},
            "doc-agent:site.allowedOrigins[0]: must be an origin",
        ),
    ],
)
def test_invalid_config_names_the_key_path(changes: dict[str, object], problem: str) -> None:
    # Given a real stack config with one bad value
    config = _with("dev", **changes)
    # When it is validated
    with pytest.raises(ConfigError) as raised:
        parse_config(config)
    # Then the error names the key path and the reason
    assert any(line.startswith(problem) for line in raised.value.problems), raised.value.problems


def test_every_problem_is_reported_at_once() -> None:
    config = _with("dev", **{"aws:region": None, "doc-agent:budget": {"monthlyLimitUsd": 0}})
    with pytest.raises(ConfigError) as raised:
        parse_config(config)
    assert len(raised.value.problems) == 2
    assert "aws:region: required" in str(raised.value)


def test_invalid_config_fails_the_program_before_any_resource(pulumi_mocks: MockedPulumi) -> None:
    with pytest.raises(ConfigError, match=r"doc-agent:budget\.monthlyLimitUsd"):
        pulumi_mocks.run("prod", _with("prod", **{"doc-agent:budget": {"monthlyLimitUsd": 0}}))
    assert pulumi_mocks.monitor is not None
    assert pulumi_mocks.monitor.registered == []


def test_deploy_errors_print_without_a_traceback() -> None:
    # pulumi.RunError is what the Pulumi language host reports as a message, not a stack trace.
    import pulumi

    from components.frontend_site.files import SiteNotBuiltError
    from lambda_build.errors import PackagingError

    for error in (ConfigError, PackagingError, SiteNotBuiltError):
        assert issubclass(error, pulumi.RunError), error
