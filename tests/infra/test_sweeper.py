"""The sweeper under mocks, for both real stacks: its schedule, its least-privilege role,
the environment its settings model parses, its alarms; and GET /health's public method."""

from __future__ import annotations

from typing import Any

from handlers.core.health import HealthSettings
from handlers.core.sweeper.settings import SweeperSettings
from policy.doc_agent_guardrails.values import as_list, statements
from tests.infra.program import StackRun
from tests.infra.resources import policy

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _resolved_env(run: StackRun, key: str) -> dict[str, Any]:
    function = run.named(f"agent-api-{key}")
    variables: dict[str, Any] = function.inputs["environment"]["variables"]
    return variables


def test_the_sweeper_runs_on_a_schedule_and_parses_its_environment(stack: StackRun) -> None:
    function = stack.named("agent-api-sweeper")
    (rule,) = [
        r for r in stack.of_type("aws:cloudwatch/eventRule:EventRule") if "sweeper" in r.name
    ]
    assert rule.inputs["scheduleExpression"] == "rate(15 minutes)"
    (target,) = stack.of_type("aws:cloudwatch/eventTarget:EventTarget")
    assert target.inputs["rule"] == rule.outputs["name"]
    assert function.outputs["arn"] in target.inputs["arn"]
    (permission,) = [
        p for p in stack.of_type("aws:lambda/permission:Permission") if "sweeper" in p.name
    ]
    assert permission.inputs["principal"] == "events.amazonaws.com"
    assert permission.inputs["sourceArn"] == rule.outputs["arn"]

    settings = SweeperSettings.from_env(_resolved_env(stack, "sweeper"))
    # The deadlines follow the stack's upload URL lifetime and ingest timeout
    ingest = stack.named("agent-api-ingest")
    assert settings.ingest_timeout_seconds == ingest.inputs["timeout"]
    assert settings.queue_url


def test_the_sweeper_role_allows_only_what_a_sweep_calls(stack: StackRun) -> None:
    doc = policy(stack.named("agent-api-sweeper-policy"))
    actions = {action for s in statements(doc) for action in as_list(s["Action"])}
    assert actions == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "dynamodb:Scan",
        "dynamodb:UpdateItem",
        "s3:ListBucket",
        "sqs:SendMessage",
        "kms:Decrypt",
        "kms:GenerateDataKey",
    }
    (listing,) = [s for s in statements(doc) if "s3:ListBucket" in as_list(s["Action"])]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["raw/*"]}}
    # No object read, no delete: the sweeper never touches a file
    assert not [a for a in actions if a.startswith("s3:") and a != "s3:ListBucket"]


def test_the_sweeper_has_its_function_alarms_and_the_stuck_documents_alarm(
    stack: StackRun,
) -> None:
    names = {alarm.inputs["name"] for alarm in stack.of_type(ALARM)}
    prefix = f"doc-agent-{stack.stack}"
    assert {
        f"{prefix}-sweeper-errors",
        f"{prefix}-sweeper-throttles",
        f"{prefix}-sweeper-duration",
        f"{prefix}-sweeper-stuck-documents",
    } <= names
    for alarm in stack.of_type(ALARM):
        assert "docs/incident-response.md" in alarm.inputs["alarmDescription"], alarm.name


def test_health_settings_parse_from_the_api_environment(stack: StackRun) -> None:
    settings = HealthSettings.from_env(_resolved_env(stack, "api"))
    assert settings.stack == stack.stack
    assert settings.version
