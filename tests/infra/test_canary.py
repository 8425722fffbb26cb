"""The health canary under mocks: prod has it (config flag), dev does not; it checks the site
and /api/health with the packaged script, alarms to the topic, and its role can only write
its artifacts, its logs and its own metrics."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from components.observability.canary import ARCHIVE, HANDLER, SCRIPT
from policy.doc_agent_guardrails.values import as_list, statements
from tests.infra.program import StackRun
from tests.infra.resources import policy

CANARY = "aws:synthetics/canary:Canary"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def test_only_prod_runs_the_canary(stack: StackRun) -> None:
    canaries = stack.of_type(CANARY)
    if stack.stack != "prod":
        assert canaries == []
        return
    (canary,) = canaries
    assert canary.inputs["name"] == "doc-agent-prod"
    assert canary.inputs["handler"] == HANDLER
    assert canary.inputs["runtimeVersion"].startswith("syn-python-selenium-")
    assert canary.inputs["schedule"]["expression"] == "rate(5 minutes)"
    env = canary.inputs["runConfig"]["environmentVariables"]
    api = stack.named("agent-api-stage").outputs["invokeUrl"].rstrip("/")
    assert env["HEALTH_URL"] == f"{api}/health"
    assert env["SITE_URL"] == stack.outputs["siteUrl"]
    assert canary.inputs["artifactS3Location"].startswith("s3://")
    # The archive holds the script where the Python runtime looks for it
    with zipfile.ZipFile(Path(canary.inputs["zipFile"])) as archive:
        assert archive.namelist() == ["python/health_canary.py"]
        assert archive.read("python/health_canary.py") == SCRIPT.read_bytes()
    assert Path(canary.inputs["zipFile"]) == ARCHIVE


def test_the_canary_alarm_counts_failed_and_missing_runs(stack: StackRun) -> None:
    alarms = [a for a in stack.of_type(ALARM) if a.inputs["name"].endswith("-canary-failed")]
    if stack.stack != "prod":
        assert alarms == []
        return
    (alarm,) = alarms
    assert alarm.inputs["namespace"] == "CloudWatchSynthetics"
    assert alarm.inputs["metricName"] == "SuccessPercent"
    assert alarm.inputs["comparisonOperator"] == "LessThanThreshold"
    assert alarm.inputs["threshold"] == 100
    assert alarm.inputs["treatMissingData"] == "breaching"
    assert alarm.inputs["dimensions"] == {"CanaryName": "doc-agent-prod"}
    topic = stack.named("observability-alarms").outputs["arn"]
    assert alarm.inputs["alarmActions"] == [topic]
    assert "docs/operations.md#canary-failed" in alarm.inputs["alarmDescription"]
    assert "docs/incident-response.md" in alarm.inputs["alarmDescription"]


def test_the_canary_role_writes_only_its_artifacts_logs_and_metrics(stack: StackRun) -> None:
    if stack.stack != "prod":
        return
    doc = policy(stack.named("canary-policy"))
    actions = {a for s in statements(doc) for a in as_list(s["Action"])}
    assert actions == {
        "s3:PutObject",
        "s3:GetBucketLocation",
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "cloudwatch:PutMetricData",
    }
    (metrics,) = [s for s in statements(doc) if s["Action"] == "cloudwatch:PutMetricData"]
    assert metrics["Condition"] == {
        "StringEquals": {"cloudwatch:namespace": "CloudWatchSynthetics"}
    }
    bucket = stack.named("canary-artifacts")
    (put,) = [s for s in statements(doc) if s["Action"] == "s3:PutObject"]
    assert put["Resource"] == f"{bucket.outputs['arn']}/*"
    assert json.dumps(doc).count("cwsyn-") == 1
