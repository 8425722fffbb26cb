"""Observability under mocks, for both real stack configs: alarms, topic, budget, dashboard."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from components.config import StackConfig, parse_config
from components.observability.notifications import BUDGET_THRESHOLDS
from handlers.core.contracts import layout, metric_names
from policy.doc_agent_guardrails.taggable import takes_tags
from policy.doc_agent_guardrails.values import as_list, statements
from tests.infra.program import ROOT, MockedPulumi, StackRun, stack_config
from tests.infra.pulumi_mocks import ACCOUNT_ID, Registered
from tests.infra.resources import denies_insecure_transport, policy

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BUDGET = "aws:budgets/budget:Budget"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
TOPIC = "aws:sns/topic:Topic"
BUSINESS_METRICS = {
    value
    for name, value in vars(metric_names).items()
    if name.isupper() and isinstance(value, str) and name not in {"NAMESPACE_PREFIX"}
} - {metric_names.SERVICE_DIMENSION, metric_names.MODEL_DIMENSION}


@pytest.fixture
def observed(stack: StackRun) -> StackRun:
    """The real program for each stack (the session's shared run)."""
    return stack


def _config(run: StackRun) -> StackConfig:
    return parse_config(stack_config(run.stack))


def _topic(run: StackRun) -> Registered:
    (topic,) = run.of_type(TOPIC)
    return topic


def _alarms_on(run: StackRun, dimension: str, value: str) -> dict[str, Registered]:
    """Single-metric alarms on a dimension value, by metric name."""
    found = {}
    for alarm in run.of_type(ALARM):
        if (alarm.inputs.get("dimensions") or {}).get(dimension) == value:
            found[alarm.inputs["metricName"]] = alarm
    return found


def _queries(alarm: Registered) -> dict[str, dict[str, Any]]:
    return {query["id"]: query for query in alarm.inputs["metricQueries"]}


def _alarm(run: StackRun, key: str) -> Registered:
    return run.named(f"observability-{key}")


def test_every_function_has_its_encrypted_log_group_and_alarms(observed: StackRun) -> None:
    config = _config(observed)
    functions = observed.of_type(FUNCTION)
    # api, agent, ingest, the ingest DLQ's consumer (dead_letters), sweeper
    assert len(functions) == 5
    log_groups = {group.outputs["name"]: group for group in observed.of_type(LOG_GROUP)}
    for function in functions:
        group = log_groups[function.inputs["loggingConfig"]["logGroup"]]
        assert group.inputs["retentionInDays"] == config.logs.retention_days, function.name
        assert group.inputs["kmsKeyId"].startswith("arn:aws:kms:"), function.name

        alarms = _alarms_on(observed, "FunctionName", function.outputs["name"])
        assert set(alarms) == {"Errors", "Throttles", "Duration"}, function.name
        assert alarms["Errors"].inputs["statistic"] == "Sum"
        assert alarms["Errors"].inputs["threshold"] == config.alarms.function_errors
        assert alarms["Throttles"].inputs["threshold"] == config.alarms.function_throttles
        duration = alarms["Duration"]
        assert duration.inputs["extendedStatistic"] == "p99"
        timeout_ms = function.inputs["timeout"] * 1000
        assert 0.8 * timeout_ms <= duration.inputs["threshold"] <= 0.9 * timeout_ms
        assert duration.inputs["threshold"] < timeout_ms


def test_every_alarm_notifies_the_topic_on_alarm_and_on_ok(observed: StackRun) -> None:
    topic_arn = _topic(observed).outputs["arn"]
    alarms = observed.of_type(ALARM)
    # 3 per function (api, agent, ingest, dead_letters, sweeper), 2 API, 2 ingest queues,
    # 1 dead-lettered uploads, 2 LLM, 1 reranker, the feedback alarm where the stack sets its
    # threshold, 1 sweeper, and the health canary's where the stack runs one (prod)
    config = _config(observed)
    feedback = config.alarms.feedback_negative_rate_percent is not None
    canary = config.canary.enabled
    assert len(alarms) == 5 * 3 + 2 + 2 + 1 + 2 + 1 + int(feedback) + 1 + int(canary)
    for alarm in alarms:
        assert alarm.inputs["alarmActions"] == [topic_arn], alarm.name
        assert alarm.inputs["okActions"] == [topic_arn], alarm.name
        # A canary without runs has stopped: its alarm counts missing data as failing
        missing = "breaching" if alarm.name.endswith("-canary-failed") else "notBreaching"
        assert alarm.inputs["treatMissingData"] == missing, alarm.name
        assert alarm.inputs["name"].startswith(f"doc-agent-{observed.stack}-"), alarm.name
        if "metricQueries" in alarm.inputs:
            # Metric math: exactly one expression is what the threshold compares with.
            returned = [q for q in alarm.inputs["metricQueries"] if q.get("returnData")]
            assert len(returned) == 1, alarm.name
            assert "expression" in returned[0], alarm.name
        else:
            assert alarm.inputs["period"] == 300, alarm.name
    names = [alarm.inputs["name"] for alarm in alarms]
    assert len(set(names)) == len(names)


def test_every_alarm_points_to_its_runbook_section(observed: StackRun) -> None:
    # Given the anchors of docs/operations.md's headings (GitHub's slug rules)
    text = (ROOT / "docs" / "operations.md").read_text()
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)
    }
    for alarm in observed.of_type(ALARM):
        # Then every alarm's description links to one that exists
        (anchor,) = re.findall(
            r"docs/operations\.md#([a-z0-9-]+)", alarm.inputs["alarmDescription"]
        )
        assert anchor in anchors, (alarm.name, anchor)


def test_api_alarms_watch_the_5xx_rate_and_p99_latency_of_the_stage(observed: StackRun) -> None:
    config = _config(observed)
    (stage,) = observed.of_type("aws:apigateway/stage:Stage")
    (rest_api,) = observed.of_type("aws:apigateway/restApi:RestApi")
    dimensions = {"ApiName": rest_api.outputs["name"], "Stage": stage.inputs["stageName"]}

    rate = _alarm(observed, "api-5xx-rate")
    queries = _queries(rate)
    assert queries["errors"]["metric"]["metricName"] == "5XXError"
    assert queries["requests"]["metric"]["metricName"] == "Count"
    for metric_id in ("errors", "requests"):
        assert queries[metric_id]["metric"]["namespace"] == "AWS/ApiGateway"
        assert queries[metric_id]["metric"]["dimensions"] == dimensions
        assert queries[metric_id]["returnData"] is False
    assert "100 * errors / requests" in queries["error_rate"]["expression"]
    assert queries["error_rate"]["returnData"] is True
    assert rate.inputs["threshold"] == config.alarms.api_error_rate_percent

    latency = _alarm(observed, "api-latency-p99")
    assert latency.inputs["dimensions"] == dimensions
    assert (latency.inputs["metricName"], latency.inputs["extendedStatistic"]) == ("Latency", "p99")
    assert latency.inputs["threshold"] == config.alarms.api_p99_latency_ms


def test_ingest_alarms_watch_the_dlq_and_the_oldest_waiting_upload(observed: StackRun) -> None:
    config = _config(observed)
    dlq = _alarms_on(observed, "QueueName", observed.named("store-ingest-dlq").outputs["name"])
    assert set(dlq) == {"ApproximateNumberOfMessagesVisible"}
    visible = dlq["ApproximateNumberOfMessagesVisible"]
    assert visible.inputs["threshold"] == config.alarms.dlq_messages == 1
    assert visible.inputs["comparisonOperator"] == "GreaterThanOrEqualToThreshold"

    queue = _alarms_on(observed, "QueueName", observed.named("store-ingest").outputs["name"])
    assert set(queue) == {"ApproximateAgeOfOldestMessage"}
    age = queue["ApproximateAgeOfOldestMessage"]
    # The configured backlog on top of the time a message may spend being retried.
    visibility = observed.named("store-ingest").inputs["visibilityTimeoutSeconds"]
    retries = (layout.MAX_RECEIVE_COUNT - 1) * visibility
    assert age.inputs["threshold"] == config.alarms.oldest_ingest_message_minutes * 60 + retries


def test_llm_alarms_read_the_contracted_business_metrics(observed: StackRun) -> None:
    config = _config(observed)
    namespace = f"DocAgent/{observed.stack}"
    rate = _queries(_alarm(observed, "llm-error-rate"))
    tokens_alarm = _alarm(observed, "llm-daily-tokens")
    tokens = _queries(tokens_alarm)
    expected = [
        (rate["errors"], metric_names.LLM_ERRORS, 300),
        (rate["requests"], metric_names.LLM_REQUESTS, 300),
        (tokens["prompt"], metric_names.LLM_PROMPT_TOKENS, 86_400),
        (tokens["completion"], metric_names.LLM_COMPLETION_TOKENS, 86_400),
    ]
    for read, name, period in expected:
        query = read["metric"]
        assert query["namespace"] == namespace
        assert query["metricName"] == name
        assert query["dimensions"] == {metric_names.SERVICE_DIMENSION: "agent"}
        assert (query["stat"], query["period"]) == ("Sum", period)
    assert "100 * errors / requests" in rate["error_rate"]["expression"]
    assert tokens["tokens"]["expression"] == "prompt + completion"
    assert tokens_alarm.inputs["threshold"] == config.alarms.daily_token_limit
    assert _alarm(observed, "llm-error-rate").inputs["threshold"] == (
        config.alarms.llm_error_rate_percent
    )


def test_feedback_alarm_reads_the_ratings_when_the_stack_sets_a_threshold(
    observed: StackRun,
) -> None:
    config = _config(observed)
    keys = {alarm.name for alarm in observed.of_type(ALARM)}
    if config.alarms.feedback_negative_rate_percent is None:
        # dev sets no threshold: no alarm
        assert "observability-feedback-negative-rate" not in keys
        return
    alarm = _alarm(observed, "feedback-negative-rate")
    queries = _queries(alarm)
    for query_id, name in (
        ("negative", metric_names.FEEDBACK_NEGATIVE),
        ("positive", metric_names.FEEDBACK_POSITIVE),
    ):
        metric = queries[query_id]["metric"]
        assert metric["namespace"] == f"DocAgent/{observed.stack}"
        assert metric["metricName"] == name
        assert metric["dimensions"] == {metric_names.SERVICE_DIMENSION: "agent"}
        assert metric["period"] == 3600
    rate = queries["negative_rate"]["expression"]
    assert f">= {config.alarms.feedback_min_ratings}" in rate
    assert "100 * negative / (positive + negative)" in rate
    assert alarm.inputs["threshold"] == config.alarms.feedback_negative_rate_percent


def test_topic_is_encrypted_with_a_key_alarms_and_budgets_may_use(observed: StackRun) -> None:
    topic = _topic(observed)
    key = observed.named("observability-topic-key")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True
    grants = {
        statement["Principal"]["Service"]: set(as_list(statement["Action"]))
        for statement in statements(policy(key))
        if "Service" in statement["Principal"]
    }
    for service in ("cloudwatch.amazonaws.com", "budgets.amazonaws.com"):
        assert {"kms:Decrypt", "kms:GenerateDataKey*"} <= grants[service], service


def test_topic_policy_lets_this_accounts_alarms_and_budgets_publish_over_tls(
    observed: StackRun,
) -> None:
    topic = _topic(observed)
    (topic_policy,) = observed.by_input(
        "aws:sns/topicPolicy:TopicPolicy", "arn", topic.outputs["arn"]
    )
    doc = policy(topic_policy)
    assert denies_insecure_transport(doc, topic.outputs["arn"])
    allows = {s["Principal"]["Service"]: s for s in statements(doc) if s["Effect"] == "Allow"}
    assert set(allows) == {"cloudwatch.amazonaws.com", "budgets.amazonaws.com"}
    for allow in allows.values():
        assert allow["Action"] == "sns:Publish"
        assert allow["Resource"] == topic.outputs["arn"]
        assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}
    alarms_source = allows["cloudwatch.amazonaws.com"]["Condition"]["ArnLike"]["aws:SourceArn"]
    assert alarms_source == f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT_ID}:alarm:*"


def test_alarm_emails_are_subscribed_to_the_topic(observed: StackRun) -> None:
    config = _config(observed)
    subscriptions = observed.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert config.alarms.emails
    assert sorted(s.inputs["endpoint"] for s in subscriptions) == sorted(config.alarms.emails)
    for subscription in subscriptions:
        assert subscription.inputs["protocol"] == "email"
        assert subscription.inputs["topic"] == _topic(observed).outputs["arn"]


def test_budget_has_the_limit_the_tag_filter_and_exactly_four_notifications(
    observed: StackRun,
) -> None:
    config = _config(observed)
    (budget,) = observed.of_type(BUDGET)
    assert (budget.inputs["budgetType"], budget.inputs["timeUnit"]) == ("COST", "MONTHLY")
    assert float(budget.inputs["limitAmount"]) == config.budget.monthly_limit_usd
    assert budget.inputs["limitUnit"] == "USD"
    assert budget.inputs["costFilters"] == [
        {"name": "TagKeyValue", "values": ["user:project$doc-agent"]}
    ]
    notifications = budget.inputs["notifications"]
    assert sorted((n["notificationType"], n["threshold"]) for n in notifications) == [
        ("ACTUAL", 50),
        ("ACTUAL", 75),
        ("ACTUAL", 90),
        ("FORECASTED", 100),
    ]
    for notification in notifications:
        assert notification["comparisonOperator"] == "GREATER_THAN"
        assert notification["thresholdType"] == "PERCENTAGE"
        assert notification["subscriberEmailAddresses"] == list(config.budget_emails)
    assert len(BUDGET_THRESHOLDS) == 4


def test_budget_without_any_email_notifies_the_alarm_topic(pulumi_mocks: MockedPulumi) -> None:
    # Given a stack with neither budget nor alarm e-mails
    config = stack_config("dev")
    for key in ("doc-agent:alarms", "doc-agent:budget"):
        config[key] = json.dumps({**json.loads(config[key]), "emails": []})
    # When the program runs for it
    run = pulumi_mocks.run("dev", config)
    # Then every budget notification goes to the topic, and nobody is subscribed by e-mail
    (budget,) = run.of_type(BUDGET)
    topic_arn = _topic(run).outputs["arn"]
    for notification in budget.inputs["notifications"]:
        assert notification["subscriberSnsTopicArns"] == [topic_arn]
        assert "subscriberEmailAddresses" not in notification
    assert run.of_type("aws:sns/topicSubscription:TopicSubscription") == []


def _dashboard(run: StackRun) -> dict[str, Any]:
    (dashboard,) = run.of_type(DASHBOARD)
    body: dict[str, Any] = json.loads(dashboard.inputs["dashboardBody"])
    return body


def _metric_rows(body: dict[str, Any]) -> list[list[Any]]:
    return [
        row
        for widget in body["widgets"]
        if widget["type"] == "metric"
        for row in widget["properties"]["metrics"]
        if isinstance(row[0], str)
    ]


def test_dashboard_names_only_resources_that_exist(observed: StackRun) -> None:
    body = _dashboard(observed)
    (stage,) = observed.of_type("aws:apigateway/stage:Stage")
    functions = observed.of_type(FUNCTION)
    store_queues = {observed.named(n).outputs["name"] for n in ("store-ingest", "store-ingest-dlq")}
    existing = {
        "FunctionName": {f.outputs["name"] for f in functions},
        "QueueName": {q.outputs["name"] for q in observed.of_type("aws:sqs/queue:Queue")},
        "ApiName": {a.outputs["name"] for a in observed.of_type("aws:apigateway/restApi:RestApi")},
        "Stage": {stage.inputs["stageName"]},
        metric_names.SERVICE_DIMENSION: {"api", "agent", "ingest", "dead_letters", "sweeper"},
    }
    seen: dict[str, set[str]] = {}
    for row in _metric_rows(body):
        labels = row[2:-1] if isinstance(row[-1], dict) else row[2:]
        for dimension, value in zip(labels[::2], labels[1::2], strict=True):
            assert value in existing[dimension], (dimension, value)
            seen.setdefault(dimension, set()).add(value)
    # Every function, both ingest queues and the API appear somewhere
    assert seen["FunctionName"] == existing["FunctionName"]
    assert seen["QueueName"] == store_queues
    assert seen["ApiName"] == existing["ApiName"]

    # The log tables read the functions' groups and the stage's access log group
    groups_by_arn = {g.outputs["arn"]: g.outputs["name"] for g in observed.of_type(LOG_GROUP)}
    expected_sources = {f.inputs["loggingConfig"]["logGroup"] for f in functions} | {
        groups_by_arn[stage.inputs["accessLogSettings"]["destinationArn"]]
    }
    sources = {
        source
        for widget in body["widgets"]
        if widget["type"] == "log"
        for source in re.findall(r"SOURCE '([^']+)'", widget["properties"]["query"])
    }
    assert sources == expected_sources

    (alarm_widget,) = [w for w in body["widgets"] if w["type"] == "alarm"]
    assert sorted(alarm_widget["properties"]["alarms"]) == sorted(
        a.outputs["arn"] for a in observed.of_type(ALARM)
    )


def test_dashboard_business_metrics_are_the_contracted_ones(observed: StackRun) -> None:
    body = _dashboard(observed)
    namespace = metric_names.namespace(observed.stack)
    business = [row for row in _metric_rows(body) if row[0].startswith("DocAgent")]
    assert business
    assert {row[0] for row in business} == {namespace}
    assert {row[1] for row in business} <= BUSINESS_METRICS
    shown = {row[1] for row in business}
    # The failure reasons come from a SEARCH; everything else is graphed by name.
    assert BUSINESS_METRICS - shown == {metric_names.DOCUMENTS_FAILED}
    searches = [
        item["expression"]
        for widget in body["widgets"]
        if widget["type"] == "metric"
        for row in widget["properties"]["metrics"]
        for item in row
        if isinstance(item, dict) and "SEARCH(" in item.get("expression", "")
    ]
    assert any(metric_names.DOCUMENTS_FAILED in search for search in searches)


def test_dashboard_widgets_fit_the_grid_without_overlapping(observed: StackRun) -> None:
    body = _dashboard(observed)
    cells: set[tuple[int, int]] = set()
    for widget in body["widgets"]:
        assert widget["x"] + widget["width"] <= 24
        area = {
            (x, y)
            for x in range(widget["x"], widget["x"] + widget["width"])
            for y in range(widget["y"], widget["y"] + widget["height"])
        }
        assert not cells & area, widget
        cells |= area
        if widget["type"] in ("metric", "log"):
            assert widget["properties"]["region"] == "eu-west-1"


def test_outputs_and_tags(observed: StackRun) -> None:
    config = _config(observed)
    assert observed.outputs["alarmTopicArn"] == _topic(observed).outputs["arn"]
    assert observed.outputs["dashboardName"] == f"doc-agent-{observed.stack}"
    (component,) = observed.of_type("doc-agent:index:Observability")
    children = observed.children_of(component)
    assert children
    for child in children:
        assert child.name.startswith("observability-"), child.name
        if takes_tags(child.type):
            assert child.tags["component"] == "observability", child.name
            assert child.tags["project"] == "doc-agent", child.name
            assert config.tags.items() <= child.tags.items(), child.name
