"""The ingest DLQ's consumer under mocks, for both real stacks: its trigger, its role (only
what it calls) and its environment."""

from __future__ import annotations

from typing import Any

from handlers.core.runtime.settings import StorageSettings
from policy.doc_agent_guardrails.values import as_list, statements
from tests.infra.program import StackRun
from tests.infra.resources import policy


def _allowed(run: StackRun) -> dict[str, set[str]]:
    allowed: dict[str, set[str]] = {}
    doc: dict[str, Any] = policy(run.named("agent-api-dead_letters-policy"))
    for statement in statements(doc):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            allowed.setdefault(action, set()).update(as_list(statement["Resource"]))
    return allowed


def test_the_dead_letter_queue_feeds_the_consumer_with_partial_batch_failures(
    stack: StackRun,
) -> None:
    mapping = stack.named("agent-api-dead_letters-trigger")
    assert mapping.inputs["eventSourceArn"] == stack.named("store-ingest-dlq").outputs["arn"]
    assert mapping.inputs["functionResponseTypes"] == ["ReportBatchItemFailures"]
    function = stack.named("agent-api-dead_letters")
    assert function.outputs["arn"] in mapping.inputs["functionName"]
    assert function.inputs["handler"] == "handlers.dead_letters.lambda_handler"


def test_the_consumer_may_only_mark_documents_and_consume_the_dlq(stack: StackRun) -> None:
    allowed = _allowed(stack)
    table = stack.named("store-table").outputs["arn"]
    dlq = stack.named("store-ingest-dlq").outputs["arn"]
    key = stack.named("store-key").outputs["arn"]
    log_group = stack.named("agent-api-dead_letters-logs").outputs["arn"]

    assert allowed == {
        "logs:CreateLogStream": {f"{log_group}:*"},
        "logs:PutLogEvents": {f"{log_group}:*"},
        "xray:PutTraceSegments": {"*"},
        "xray:PutTelemetryRecords": {"*"},
        "sqs:ReceiveMessage": {dlq},
        "sqs:DeleteMessage": {dlq},
        "sqs:GetQueueAttributes": {dlq},
        "dynamodb:UpdateItem": {table},
        "kms:Decrypt": {key},
    }


def test_the_consumers_environment_builds_its_settings(stack: StackRun) -> None:
    env = stack.named("agent-api-dead_letters").inputs["environment"]["variables"]
    settings = StorageSettings.from_env(env)
    assert settings.table_name == stack.named("store-table").outputs["name"]
    assert settings.bucket_name == stack.named("store-documents").outputs["bucket"]
    assert env["POWERTOOLS_SERVICE_NAME"] == "dead_letters"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == f"DocAgent/{stack.stack}"
