"""The stack's CloudWatch dashboard, built as plain dicts from resolved resource names.

Sections, top to bottom: alarm states, traffic, latency, errors, the ingest pipeline, and
LLM usage and spend. Business metrics come from `handlers.core.contracts.metric_names`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from handlers.core.contracts import metric_names as names

GRID_WIDTH = 24
FIVE_MINUTES = 300
ONE_HOUR = 3600
ONE_DAY = 86_400

Widget = dict[str, Any]
MetricRow = list[Any]


@dataclass(frozen=True)
class DashboardFunction:
    key: str
    function_name: str
    log_group_name: str


@dataclass(frozen=True)
class DashboardTargets:
    """Everything the dashboard names, resolved to plain strings."""

    stack: str
    region: str
    functions: Sequence[DashboardFunction]
    api_name: str
    stage_name: str
    access_log_group_name: str
    queue_name: str
    dlq_name: str
    alarm_arns: Sequence[str]
    oldest_message_seconds: int
    daily_token_limit: int


def _row(namespace: str, metric: str, dimensions: list[str], options: dict[str, Any]) -> MetricRow:
    """A metric line: namespace, name, dimension name/value pairs, then its rendering options."""
    return [namespace, metric, *dimensions, *([options] if options else [])]


class _Layout:
    """Flows widgets left to right on CloudWatch's 24-column grid."""

    def __init__(self) -> None:
        self.widgets: list[Widget] = []
        self._x = self._y = self._row_height = 0

    def add(self, widget: Widget, width: int = 8, height: int = 6) -> None:
        if self._x + width > GRID_WIDTH:
            self._newline()
        self.widgets.append(
            {**widget, "x": self._x, "y": self._y, "width": width, "height": height}
        )
        self._x += width
        self._row_height = max(self._row_height, height)

    def section(self, title: str) -> None:
        self._newline()
        self.add({"type": "text", "properties": {"markdown": f"## {title}"}}, GRID_WIDTH, 1)
        self._newline()

    def _newline(self) -> None:
        if self._x:
            self._y += self._row_height
        self._x = self._row_height = 0


class _Builder:
    def __init__(self, targets: DashboardTargets) -> None:
        self.t = targets
        self.namespace = names.namespace(targets.stack)
        self.layout = _Layout()

    # -- metric rows ------------------------------------------------------------------

    def api(self, metric: str, **options: Any) -> MetricRow:
        dimensions = ["ApiName", self.t.api_name, "Stage", self.t.stage_name]
        return _row("AWS/ApiGateway", metric, dimensions, options)

    def lambda_(self, metric: str, fn: DashboardFunction, **options: Any) -> MetricRow:
        dimensions = ["FunctionName", fn.function_name]
        return _row("AWS/Lambda", metric, dimensions, {"label": fn.key, **options})

    def sqs(self, metric: str, queue: str, **options: Any) -> MetricRow:
        return _row("AWS/SQS", metric, ["QueueName", queue], options)

    def business(self, metric: str, service: str, **options: Any) -> MetricRow:
        dimensions = [names.SERVICE_DIMENSION, service]
        return _row(self.namespace, metric, dimensions, options)

    # -- widgets ----------------------------------------------------------------------

    def graph(
        self,
        title: str,
        metrics: Sequence[MetricRow],
        *,
        stat: str = "Sum",
        period: int = FIVE_MINUTES,
        width: int = 8,
        limit: tuple[str, float] | None = None,
    ) -> None:
        properties: dict[str, Any] = {
            "title": title,
            "view": "timeSeries",
            "stacked": False,
            "region": self.t.region,
            "stat": stat,
            "period": period,
            "metrics": [list(row) for row in metrics],
            "yAxis": {"left": {"min": 0}},
        }
        if limit is not None:
            label, value = limit
            properties["annotations"] = {"horizontal": [{"label": label, "value": value}]}
        self.layout.add({"type": "metric", "properties": properties}, width)

    def logs(self, title: str, log_groups: Sequence[str], query: str) -> None:
        sources = " | ".join(f"SOURCE '{group}'" for group in log_groups)
        properties = {
            "title": title,
            "region": self.t.region,
            "view": "table",
            "query": f"{sources} | {query}",
        }
        self.layout.add({"type": "log", "properties": properties}, 12)

    # -- sections ---------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        intro = (
            f"# Doc Agent — {self.t.stack}\n"
            "What each alarm means and the first thing to check: `docs/operations.md`."
        )
        self.layout.add({"type": "text", "properties": {"markdown": intro}}, GRID_WIDTH, 2)
        self.layout.add(
            {
                "type": "alarm",
                "properties": {
                    "title": "Alarms",
                    "alarms": list(self.t.alarm_arns),
                    "sortBy": "stateUpdatedTimestamp",
                },
            },
            GRID_WIDTH,
            3,
        )
        self.traffic()
        self.latency()
        self.errors()
        self.ingest()
        self.llm()
        self.feedback()
        return {"start": "-PT12H", "periodOverride": "inherit", "widgets": self.layout.widgets}

    def traffic(self) -> None:
        self.layout.section("Traffic")
        self.graph("API requests", [self.api("Count", label="requests")])
        self.graph(
            "Function invocations", [self.lambda_("Invocations", fn) for fn in self.t.functions]
        )
        self.graph(
            "Documents uploaded, questions answered",
            [
                self.business(names.DOCUMENTS_UPLOADED, "api", label="documents uploaded"),
                self.business(names.QUESTIONS_ANSWERED, "agent", label="questions answered"),
            ],
        )
        # Each question counts 1 or 0 in both: their average is the share of questions.
        self.graph(
            "Share of questions not in the documents, or answered doubtfully",
            [
                self.business(names.ANSWERS_NOT_IN_DOCUMENTS, "agent", label="not in documents"),
                self.business(names.ANSWERS_DOUBTFUL, "agent", label="doubtful"),
            ],
            stat="Average",
        )

    def latency(self) -> None:
        self.layout.section("Latency")
        self.graph(
            "API latency (ms)",
            [
                self.api("Latency", stat="p50", label="p50"),
                self.api("Latency", stat="p99", label="p99"),
                self.api("IntegrationLatency", stat="p99", label="integration p99"),
            ],
            stat="p99",
        )
        self.graph(
            "Function duration p99 (ms)",
            [self.lambda_("Duration", fn) for fn in self.t.functions],
            stat="p99",
        )
        self.graph(
            "LLM latency (ms)",
            [
                self.business(names.LLM_LATENCY_MS, "agent", stat="p50", label="p50"),
                self.business(names.LLM_LATENCY_MS, "agent", stat="p99", label="p99"),
            ],
            stat="p99",
        )

    def errors(self) -> None:
        self.layout.section("Errors")
        self.graph(
            "API 4xx and 5xx",
            [self.api("4XXError", label="4xx"), self.api("5XXError", label="5xx")],
        )
        self.graph(
            "Function errors and throttles",
            [
                *(self.lambda_("Errors", fn) for fn in self.t.functions),
                *(
                    self.lambda_("Throttles", fn, label=f"{fn.key} throttles")
                    for fn in self.t.functions
                ),
            ],
        )
        self.graph(
            "LLM errors, quota rejections, questions without the reranker",
            [
                self.business(names.LLM_ERRORS, "agent", label="LLM errors"),
                self.business(names.QUOTA_REJECTIONS, "agent", label="quota rejections"),
                self.business(names.RERANKER_UNAVAILABLE, "agent", label="without reranker"),
            ],
        )
        self.logs(
            "Latest errors in the function logs",
            [fn.log_group_name for fn in self.t.functions],
            "fields @timestamp, service, level, message, correlation_id"
            ' | filter level = "ERROR" or level = "CRITICAL"'
            " | sort @timestamp desc | limit 50",
        )
        self.logs(
            "Latest 5xx in the API access log",
            [self.t.access_log_group_name],
            # The stage's JSON access-log format (AgentApi) writes `status` as a string.
            "fields @timestamp, method, resource, status, latencyMs, error, requestId"
            " | filter status like /^5/ | sort @timestamp desc | limit 50",
        )

    def ingest(self) -> None:
        self.layout.section("Ingest pipeline")
        self.graph(
            "Ingest queue and dead-letter queue",
            [
                self.sqs("ApproximateNumberOfMessagesVisible", self.t.queue_name, label="waiting"),
                self.sqs(
                    "ApproximateNumberOfMessagesNotVisible", self.t.queue_name, label="in flight"
                ),
                self.sqs("ApproximateNumberOfMessagesVisible", self.t.dlq_name, label="DLQ"),
            ],
            stat="Maximum",
        )
        self.graph(
            "Oldest waiting upload (s)",
            [self.sqs("ApproximateAgeOfOldestMessage", self.t.queue_name, label="age")],
            stat="Maximum",
            limit=("alarm", self.t.oldest_message_seconds),
        )
        self.graph(
            "Documents ready and failed (by reason)",
            [
                self.business(names.DOCUMENTS_READY, "ingest", label="ready"),
                # Marked FAILED by the DLQ's consumer: the worker never finished them.
                self.business(names.DOCUMENTS_DEAD_LETTERED, "dead_letters", label="dead-lettered"),
                [
                    {
                        # One line per failure reason: DocumentsFailed_<reason>.
                        "expression": (
                            f"SEARCH('{{{self.namespace},{names.SERVICE_DIMENSION}}} "
                            f'{names.SERVICE_DIMENSION}="ingest" {names.DOCUMENTS_FAILED}\', '
                            f"'Sum', {FIVE_MINUTES})"
                        ),
                        "id": "failed",
                        "label": "",
                    }
                ],
            ],
        )
        self.graph(
            "Ingest duration (ms)",
            [
                self.business(names.INGEST_DURATION_MS, "ingest", stat="p50", label="p50"),
                self.business(names.INGEST_DURATION_MS, "ingest", stat="p99", label="p99"),
            ],
            stat="p99",
            width=12,
        )
        self.graph(
            "Pages ingested",
            [self.business(names.INGEST_PAGES, "ingest", label="pages")],
            width=12,
        )
        # The sweeper's repairs (handlers/sweeper.py): never-arrived uploads are normal;
        # re-enqueued and stuck ones mean ingest is failing silently.
        self.graph(
            "Sweeper: documents repaired",
            [
                self.business(names.SWEPT_UPLOADS_NEVER_ARRIVED, "sweeper", label="never arrived"),
                self.business(names.SWEPT_REQUEUED, "sweeper", label="re-enqueued"),
                self.business(names.SWEPT_STUCK_FAILED, "sweeper", label="stuck, failed"),
            ],
            width=24,
        )

    def llm(self) -> None:
        self.layout.section("LLM usage and spend")
        self.graph(
            "Tokens per hour",
            [
                self.business(names.LLM_PROMPT_TOKENS, "agent", label="prompt"),
                self.business(names.LLM_COMPLETION_TOKENS, "agent", label="completion"),
            ],
            period=ONE_HOUR,
        )
        self.graph(
            "Tokens per day (alarm limit)",
            [
                self.business(names.LLM_PROMPT_TOKENS, "agent", id="prompt", visible=False),
                self.business(names.LLM_COMPLETION_TOKENS, "agent", id="completion", visible=False),
                [{"expression": "prompt + completion", "id": "tokens", "label": "tokens"}],
            ],
            period=ONE_DAY,
            limit=("daily token limit", self.t.daily_token_limit),
        )
        self.graph(
            "LLM calls",
            [
                self.business(names.LLM_REQUESTS, "agent", label="calls"),
                self.business(names.LLM_ERRORS, "agent", label="failed"),
            ],
        )

    def feedback(self) -> None:
        self.layout.section("Answer feedback")
        self.graph(
            "Answers rated per hour",
            [
                self.business(names.FEEDBACK_POSITIVE, "agent", label="👍"),
                self.business(names.FEEDBACK_NEGATIVE, "agent", label="👎"),
            ],
            period=ONE_HOUR,
            width=12,
        )
        ratings = f"{names.FEEDBACK_NEGATIVE} OR {names.FEEDBACK_POSITIVE}"
        by_model = (
            f"SEARCH('{{{self.namespace},{names.MODEL_DIMENSION},{names.SERVICE_DIMENSION}}} "
            f"({ratings})', 'Sum', {ONE_HOUR})"
        )
        self.graph(
            "Ratings per hour, by model",
            [[{"expression": by_model, "id": "by_model", "label": ""}]],
            period=ONE_HOUR,
            width=12,
        )


def dashboard_body(targets: DashboardTargets) -> dict[str, Any]:
    """The dashboard as the dict CloudWatch's `DashboardBody` JSON encodes."""
    return _Builder(targets).build()
