"""What Observability watches: the functions, the API, the ingest queues and the limits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from components.config import AlarmSettings


@dataclass(frozen=True)
class MonitoredFunction:
    key: str
    """"api", "agent" or "ingest": names the alarms and is the metrics' `service` dimension."""
    function_name: pulumi.Input[str]
    """The Lambda function's name (the `FunctionName` dimension of AWS/Lambda metrics)."""
    timeout_seconds: int
    """The function's timeout; the duration alarm fires near it."""
    log_group_name: pulumi.Input[str]
    """The function's own log group (created by AgentApi before the function)."""


@dataclass(frozen=True)
class ObservabilityArgs:
    stack: str
    """The stack name: the business-metrics namespace (`DocAgent/<stack>`) and alarm names."""
    functions: Sequence[MonitoredFunction]
    """Every function of the stack; each gets errors, throttles and duration alarms."""
    rest_api_name: pulumi.Input[str]
    """The REST API's name; API Gateway metrics use the `ApiName` and `Stage` dimensions."""
    stage_name: pulumi.Input[str]
    """The API stage whose 5xx rate and latency are watched."""
    access_log_group_name: pulumi.Input[str]
    """The API stage's JSON access log group (shown on the dashboard)."""
    ingest_queue_name: pulumi.Input[str]
    """The ingest queue: the age of its oldest message is watched."""
    ingest_visibility_timeout_seconds: int
    """The ingest queue's visibility timeout: a retried upload legitimately waits that long
    per attempt, so the oldest-message alarm's threshold is derived from it."""
    dlq_name: pulumi.Input[str]
    """The ingest dead-letter queue: any message in it is an alarm."""
    alarms: AlarmSettings
    """Thresholds and the e-mail subscribers of the alarm topic."""
    monthly_budget_usd: float
    """The monthly cost budget's limit in USD."""
    budget_emails: Sequence[str]
    """Who the budget e-mails; when empty, the budget notifies the alarm topic instead."""
    tags: Mapping[str, str]
    """Cost-allocation tags of the stack."""
    canary_name: str | None = None
    """The health canary's name when the stack runs one (`HealthCanary`): it is alarmed here,
    with the others, and shown on the dashboard."""
    canary_rate_minutes: int = 5
