"""Observability built for a real stack config, with stand-ins for what it watches.

The stand-ins carry the logical names the real program gives them (`agent-api-<fn>`,
`store-ingest`, ...), so the tests read the same whether they run against this or against
`__main__.py` once it wires the component.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.config import StackConfig
from components.observability import MonitoredFunction, Observability, ObservabilityArgs
from components.tags import stack_tags
from tests.infra.pulumi_mocks import ACCOUNT_ID

FUNCTION_KEYS = ("api", "agent", "ingest")


def observability_program(stack: str, config: StackConfig) -> dict[str, Any]:
    """Declare the stand-ins and the component; returns its outputs."""
    tags = stack_tags(stack, config.tags)
    key = aws.kms.Key("store-key", tags=tags)
    monitored = []
    for name in FUNCTION_KEYS:
        settings = getattr(config.functions, name)
        logs = aws.cloudwatch.LogGroup(
            f"agent-api-{name}-logs",
            retention_in_days=config.logs.retention_days,
            kms_key_id=key.arn,
            tags=tags,
        )
        function = aws.lambda_.Function(
            f"agent-api-{name}",
            role=f"arn:aws:iam::{ACCOUNT_ID}:role/{name}",
            runtime="python3.13",
            handler=f"handlers.{name}.lambda_handler",
            code=pulumi.AssetArchive({}),
            timeout=settings.timeout_seconds,
            logging_config={"log_format": "JSON", "log_group": logs.name},
            tags=tags,
        )
        monitored.append(
            MonitoredFunction(
                key=name,
                function_name=function.name,
                timeout_seconds=settings.timeout_seconds,
                log_group_name=logs.name,
            )
        )
    access_logs = aws.cloudwatch.LogGroup(
        "agent-api-access-logs",
        retention_in_days=config.logs.retention_days,
        kms_key_id=key.arn,
        tags=tags,
    )
    rest_api = aws.apigateway.RestApi("agent-api-api", tags=tags)
    stage = aws.apigateway.Stage(
        "agent-api-stage",
        rest_api=rest_api.id,
        deployment="deployment-id",
        stage_name="api",
        access_log_settings={"destination_arn": access_logs.arn, "format": "{}"},
    )
    queue = aws.sqs.Queue("store-ingest", tags=tags)
    dlq = aws.sqs.Queue("store-ingest-dlq", tags=tags)
    observability = Observability(
        "observability",
        ObservabilityArgs(
            stack=stack,
            functions=monitored,
            rest_api_name=rest_api.name,
            stage_name=stage.stage_name,
            access_log_group_name=access_logs.name,
            ingest_queue_name=queue.name,
            dlq_name=dlq.name,
            alarms=config.alarms,
            monthly_budget_usd=config.budget.monthly_limit_usd,
            budget_emails=config.budget_emails,
            tags=tags,
        ),
    )
    return {
        "alarmTopicArn": observability.topic_arn,
        "dashboardName": observability.dashboard_name,
    }
