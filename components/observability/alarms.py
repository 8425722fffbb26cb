"""The alarms, as data: what each one measures, its threshold and its runbook entry.

Every alarm names a section of `docs/operations.md` (its `runbook` anchor), which says what
it means and the first thing to check; a test keeps the two in step. Business metrics are
named through `handlers.core.contracts.metric_names`, the contract with the handlers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.observability.args import MonitoredFunction, ObservabilityArgs
from handlers.core.contracts import layout, metric_names

FIVE_MINUTES = 300
ONE_HOUR = 3600
ONE_DAY = 86_400
RUNBOOK = "docs/operations.md"
# Severities, the first 15 minutes and the decision tree from each alarm (i13-ops).
INCIDENT_RESPONSE = "docs/incident-response.md"
# The service whose handlers call the model and emit the LLM metrics.
LLM_SERVICE = "agent"
# The service that counts dead-lettered uploads (`handlers/dead_letters.py`).
DEAD_LETTER_SERVICE = "dead_letters"
SWEEPER_SERVICE = "sweeper"

AT_OR_ABOVE = "GreaterThanOrEqualToThreshold"
ABOVE = "GreaterThanThreshold"
# No data means nothing happened: no invocations, no requests, no messages.
NOT_BREACHING = "notBreaching"

Measure = dict[str, Any]
"""The MetricAlarm arguments that say what is measured (one metric, or metric math)."""


@dataclass(frozen=True)
class AlarmSpec:
    key: str
    """Unique within the stack; the alarm is named `doc-agent-<stack>-<key>`."""
    summary: str
    """One line: what it means that the alarm fired."""
    runbook: str
    """The anchor of the alarm's section in docs/operations.md."""
    measure: Measure
    threshold: float
    comparison: str = AT_OR_ABOVE
    evaluation_periods: int = 1
    datapoints_to_alarm: int = 1
    treat_missing_data: str = NOT_BREACHING

    @property
    def description(self) -> str:
        return (
            f"{self.summary} Runbook: {RUNBOOK}#{self.runbook}"
            f" Incident response: {INCIDENT_RESPONSE}"
        )


def metric(
    namespace: str,
    name: str,
    dimensions: Mapping[str, pulumi.Input[str]],
    stat: str,
    period: int = FIVE_MINUTES,
) -> Measure:
    """One metric; percentiles (`p99`) go to `extended_statistic`."""
    stat_key = "extended_statistic" if stat.startswith("p") else "statistic"
    return {
        "namespace": namespace,
        "metric_name": name,
        "dimensions": dict(dimensions),
        "period": period,
        stat_key: stat,
    }


def query(
    query_id: str,
    namespace: str,
    name: str,
    dimensions: Mapping[str, pulumi.Input[str]],
    stat: str = "Sum",
    period: int = FIVE_MINUTES,
) -> dict[str, Any]:
    """A metric an expression reads (not itself alarmed on)."""
    return {
        "id": query_id,
        "return_data": False,
        "metric": {
            "namespace": namespace,
            "metric_name": name,
            "dimensions": dict(dimensions),
            "period": period,
            "stat": stat,
        },
    }


def expression(query_id: str, formula: str, label: str) -> dict[str, Any]:
    """The expression the alarm compares with its threshold."""
    return {"id": query_id, "expression": formula, "label": label, "return_data": True}


def rate_percent(errors: str, requests: str, min_requests: int) -> str:
    """Errors as a percentage of requests, 0 while there are too few requests to judge."""
    return f"IF({requests} >= {min_requests}, 100 * {errors} / {requests}, 0)"


def function_alarms(fn: MonitoredFunction, args: ObservabilityArgs) -> list[AlarmSpec]:
    settings = args.alarms
    dimensions = {"FunctionName": fn.function_name}
    near_timeout_ms = fn.timeout_seconds * 1000 * settings.duration_percent_of_timeout / 100
    return [
        AlarmSpec(
            key=f"{fn.key}-errors",
            summary=f"The {fn.key} function raised unhandled errors.",
            runbook="function-errors",
            measure=metric("AWS/Lambda", "Errors", dimensions, "Sum"),
            threshold=settings.function_errors,
        ),
        AlarmSpec(
            key=f"{fn.key}-throttles",
            summary=f"Invocations of the {fn.key} function were throttled.",
            runbook="function-throttles",
            measure=metric("AWS/Lambda", "Throttles", dimensions, "Sum"),
            threshold=settings.function_throttles,
        ),
        AlarmSpec(
            key=f"{fn.key}-duration",
            summary=(
                f"The {fn.key} function's p99 duration is at "
                f"{settings.duration_percent_of_timeout}% of its {fn.timeout_seconds} s timeout."
            ),
            runbook="function-duration",
            measure=metric("AWS/Lambda", "Duration", dimensions, "p99"),
            threshold=near_timeout_ms,
            # Two bad 5-minute periods out of three: one slow cold start is not a trend.
            evaluation_periods=3,
            datapoints_to_alarm=2,
        ),
    ]


def api_alarms(args: ObservabilityArgs) -> list[AlarmSpec]:
    settings = args.alarms
    dimensions = {"ApiName": args.rest_api_name, "Stage": args.stage_name}
    return [
        AlarmSpec(
            key="api-5xx-rate",
            summary=(
                f"More than {settings.api_error_rate_percent}% of API requests answered with a 5xx."
            ),
            runbook="api-5xx-rate",
            measure={
                "metric_queries": [
                    query("errors", "AWS/ApiGateway", "5XXError", dimensions),
                    query("requests", "AWS/ApiGateway", "Count", dimensions),
                    expression(
                        "error_rate",
                        rate_percent("errors", "requests", settings.rate_min_requests),
                        "5xx (% of requests)",
                    ),
                ]
            },
            threshold=settings.api_error_rate_percent,
            comparison=ABOVE,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        ),
        AlarmSpec(
            key="api-latency-p99",
            summary=f"The API's p99 latency is above {settings.api_p99_latency_ms} ms.",
            runbook="api-latency-p99",
            measure=metric("AWS/ApiGateway", "Latency", dimensions, "p99"),
            threshold=settings.api_p99_latency_ms,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        ),
    ]


def oldest_message_threshold_seconds(args: ObservabilityArgs) -> int:
    """How old the oldest ingest message may get before it means a backlog.

    A message that fails is redelivered after the visibility timeout, up to
    MAX_RECEIVE_COUNT receives before the DLQ (which has its own alarm): retries alone age
    it by (MAX_RECEIVE_COUNT - 1) visibility timeouts. The configured minutes are the
    backlog allowed on top of that, so a retried upload never fires this alarm.
    """
    retries = (layout.MAX_RECEIVE_COUNT - 1) * args.ingest_visibility_timeout_seconds
    return args.alarms.oldest_ingest_message_minutes * 60 + retries


def ingest_alarms(args: ObservabilityArgs) -> list[AlarmSpec]:
    settings = args.alarms
    return [
        AlarmSpec(
            key="ingest-dlq-not-empty",
            summary="Ingest messages failed every retry and wait in the dead-letter queue.",
            runbook="ingest-dlq-not-empty",
            measure=metric(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                {"QueueName": args.dlq_name},
                "Maximum",
            ),
            threshold=settings.dlq_messages,
        ),
        AlarmSpec(
            key="ingest-oldest-message",
            summary=(
                f"An upload has waited over {oldest_message_threshold_seconds(args) // 60} "
                "minutes in the ingest queue: longer than its retries explain."
            ),
            runbook="ingest-oldest-message",
            measure=metric(
                "AWS/SQS",
                "ApproximateAgeOfOldestMessage",
                {"QueueName": args.ingest_queue_name},
                "Maximum",
            ),
            threshold=oldest_message_threshold_seconds(args),
        ),
    ]


def count_alarm(
    args: ObservabilityArgs,
    key: str,
    summary: str,
    *,
    name: str,
    service: str,
    threshold: float = 1,
) -> AlarmSpec:
    """A business count (a handler's `record_count`) reaching `threshold` in a period; the
    runbook section is named like the alarm."""
    return AlarmSpec(
        key=key,
        summary=summary,
        runbook=key,
        measure=metric(
            metric_names.namespace(args.stack),
            name,
            {metric_names.SERVICE_DIMENSION: service},
            "Sum",
        ),
        threshold=threshold,
    )


def dead_letter_alarms(args: ObservabilityArgs) -> list[AlarmSpec]:
    """The DLQ consumer drains the queue, so what it dead-letters is counted and watched."""
    summary = "Uploads were dead-lettered: the ingest worker never finished them."
    return [
        count_alarm(
            args,
            "ingest-dead-lettered",
            summary,
            name=metric_names.DOCUMENTS_DEAD_LETTERED,
            service=DEAD_LETTER_SERVICE,
            threshold=args.alarms.dlq_messages,
        )
    ]


def llm_alarms(args: ObservabilityArgs) -> list[AlarmSpec]:
    settings = args.alarms
    namespace = metric_names.namespace(args.stack)
    dimensions = {metric_names.SERVICE_DIMENSION: LLM_SERVICE}
    return [
        AlarmSpec(
            key="llm-error-rate",
            summary=f"More than {settings.llm_error_rate_percent}% of calls to the LLM failed.",
            runbook="llm-error-rate",
            measure={
                "metric_queries": [
                    query("errors", namespace, metric_names.LLM_ERRORS, dimensions),
                    query("requests", namespace, metric_names.LLM_REQUESTS, dimensions),
                    expression(
                        "error_rate",
                        rate_percent("errors", "requests", settings.rate_min_requests),
                        "LLM errors (% of calls)",
                    ),
                ]
            },
            threshold=settings.llm_error_rate_percent,
            comparison=ABOVE,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        ),
        AlarmSpec(
            key="llm-daily-tokens",
            summary=(
                f"Over {settings.daily_token_limit:,} LLM tokens were used in a day: "
                "LLM spend is not in the AWS bill."
            ),
            runbook="llm-daily-tokens",
            measure={
                "metric_queries": [
                    query(
                        "prompt",
                        namespace,
                        metric_names.LLM_PROMPT_TOKENS,
                        dimensions,
                        period=ONE_DAY,
                    ),
                    query(
                        "completion",
                        namespace,
                        metric_names.LLM_COMPLETION_TOKENS,
                        dimensions,
                        period=ONE_DAY,
                    ),
                    expression("tokens", "prompt + completion", "Tokens per day"),
                ]
            },
            threshold=settings.daily_token_limit,
            comparison=ABOVE,
        ),
    ]


def reranker_alarms(args: ObservabilityArgs) -> list[AlarmSpec]:
    """Questions answered without the reranker the agent is configured with: it failed to
    load (a packaging fault); answers go on in the fused order, so no error alarm fires."""
    summary = "The agent answered questions without its reranker: the model did not load."
    return [
        count_alarm(
            args,
            "reranker-unavailable",
            summary,
            name=metric_names.RERANKER_UNAVAILABLE,
            service=LLM_SERVICE,
        )
    ]


def sweeper_alarms(args: ObservabilityArgs) -> list[AlarmSpec]:
    """The sweeper failing documents whose ingestion stayed stuck after a re-enqueue: the
    worker keeps timing out or crashing (never-arrived uploads are users' doing: no alarm)."""
    if not any(fn.key == SWEEPER_SERVICE for fn in args.functions):
        return []
    summary = "The sweeper failed documents whose ingestion never finished, twice."
    return [
        count_alarm(
            args,
            "sweeper-stuck-documents",
            summary,
            name=metric_names.SWEPT_STUCK_FAILED,
            service=SWEEPER_SERVICE,
        )
    ]


def canary_alarms(args: ObservabilityArgs) -> list[AlarmSpec]:
    """The health canary (prod, components/observability/canary.py): failed runs, or none."""
    if args.canary_name is None:
        return []
    return [
        AlarmSpec(
            key="canary-failed",
            summary="The canary could not load the site, or GET /api/health did not say ok.",
            runbook="canary-failed",
            measure=metric(
                "CloudWatchSynthetics",
                "SuccessPercent",
                {"CanaryName": args.canary_name},
                "Average",
                period=max(FIVE_MINUTES, args.canary_rate_minutes * 60),
            ),
            threshold=100,
            comparison="LessThanThreshold",
            evaluation_periods=2,
            datapoints_to_alarm=2,
            # The one alarm where no data is bad news: a canary that stopped running.
            treat_missing_data="breaching",
        )
    ]


def feedback_alarms(args: ObservabilityArgs) -> list[AlarmSpec]:
    """The readers' 👎 rate, when the stack sets a threshold (off by default)."""
    settings = args.alarms
    threshold = settings.feedback_negative_rate_percent
    if threshold is None:
        return []
    namespace = metric_names.namespace(args.stack)
    dimensions = {metric_names.SERVICE_DIMENSION: LLM_SERVICE}
    return [
        AlarmSpec(
            key="feedback-negative-rate",
            summary=f"More than {threshold}% of the answers readers rated in an hour got a 👎.",
            runbook="feedback-negative-rate",
            measure={
                "metric_queries": [
                    query(
                        "negative",
                        namespace,
                        metric_names.FEEDBACK_NEGATIVE,
                        dimensions,
                        period=ONE_HOUR,
                    ),
                    query(
                        "positive",
                        namespace,
                        metric_names.FEEDBACK_POSITIVE,
                        dimensions,
                        period=ONE_HOUR,
                    ),
                    expression(
                        "negative_rate",
                        rate_percent(
                            "negative", "(positive + negative)", settings.feedback_min_ratings
                        ),
                        "👎 (% of rated answers)",
                    ),
                ]
            },
            threshold=threshold,
            comparison=ABOVE,
        )
    ]


def alarm_specs(args: ObservabilityArgs) -> list[AlarmSpec]:
    """Every alarm of the stack, in the order the runbook lists them."""
    specs = [spec for fn in args.functions for spec in function_alarms(fn, args)]
    specs += api_alarms(args) + ingest_alarms(args) + dead_letter_alarms(args) + llm_alarms(args)
    specs += reranker_alarms(args) + feedback_alarms(args)
    return specs + sweeper_alarms(args) + canary_alarms(args)
