"""Observability: alarms to an encrypted SNS topic, a dashboard and a monthly cost budget.

The log groups themselves belong to AgentApi (each is created before its function, with
the stack's retention and the DocumentStore key); this component receives their names.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi
import pulumi_aws as aws

from components import policies
from components.config import PROJECT
from components.observability import notifications
from components.observability.alarms import alarm_specs, oldest_message_threshold_seconds
from components.observability.args import ObservabilityArgs
from components.observability.dashboard import (
    DashboardFunction,
    DashboardTargets,
    dashboard_body,
)
from components.tags import COST_TAG, component_tags


def cost_filter_value() -> str:
    """The Budgets filter for the cost-allocation tag: `user:<key>$<value>`."""
    return f"user:{COST_TAG}${PROJECT}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Observability(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    """The alarm topic: every alarm's ALARM and OK action."""
    dashboard_name: pulumi.Output[str]
    """The CloudWatch dashboard of the stack."""

    def __init__(
        self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("doc-agent:index:Observability", name, None, opts)
        self._name = name
        self._args = args
        self._tags = component_tags(args.tags, "observability")
        self._child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self._account_id = aws.get_caller_identity_output(opts=invoke).account_id
        self._region = aws.get_region_output(opts=invoke).region
        # Physical names people read in e-mails and the console.
        self._prefix = f"{PROJECT}-{args.stack}"

        self.topic = self._create_topic()
        self.alarms = self._create_alarms()
        self.dashboard = self._create_dashboard()
        self.budget = self._create_budget()

        self.topic_arn = self.topic.arn
        self.dashboard_name = self.dashboard.dashboard_name
        self.register_outputs({"topic_arn": self.topic_arn, "dashboard_name": self.dashboard_name})

    def _create_topic(self) -> aws.sns.Topic:
        key = aws.kms.Key(
            f"{self._name}-topic-key",
            description=f"{self._name}: alarm and budget notifications",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=policies.to_json(notifications.topic_key_policy(self._account_id)),
            tags=self._tags,
            opts=self._child,
        )
        aws.kms.Alias(
            f"{self._name}-topic-key-alias",
            name_prefix=f"alias/{self._name}-topic-",
            target_key_id=key.key_id,
            opts=self._child,
        )
        topic = aws.sns.Topic(
            f"{self._name}-alarms",
            name=f"{self._prefix}-alarms",
            display_name=f"Doc Agent {self._args.stack} alarms",
            kms_master_key_id=key.arn,
            tags=self._tags,
            opts=self._child,
        )
        aws.sns.TopicPolicy(
            f"{self._name}-alarms-policy",
            arn=topic.arn,
            policy=policies.to_json(
                notifications.topic_policy(topic.arn, self._account_id, self._region)
            ),
            opts=self._child,
        )
        for email in self._args.alarms.emails:
            aws.sns.TopicSubscription(
                f"{self._name}-alarms-{_slug(email)}",
                topic=topic.arn,
                protocol="email",
                endpoint=email,
                opts=self._child,
            )
        return topic

    def _create_alarms(self) -> list[aws.cloudwatch.MetricAlarm]:
        actions = [self.topic.arn]
        alarms = []
        for spec in alarm_specs(self._args):
            measure: dict[str, Any] = spec.measure
            alarms.append(
                aws.cloudwatch.MetricAlarm(
                    f"{self._name}-{spec.key}",
                    name=f"{self._prefix}-{spec.key}",
                    alarm_description=spec.description,
                    comparison_operator=spec.comparison,
                    threshold=spec.threshold,
                    evaluation_periods=spec.evaluation_periods,
                    datapoints_to_alarm=spec.datapoints_to_alarm,
                    treat_missing_data=spec.treat_missing_data,
                    # Percentiles over a handful of invocations still count: dev has few.
                    evaluate_low_sample_count_percentiles=(
                        "evaluate" if "extended_statistic" in measure else None
                    ),
                    alarm_actions=actions,
                    ok_actions=actions,
                    tags=self._tags,
                    opts=self._child,
                    **measure,
                )
            )
        return alarms

    def _create_dashboard(self) -> aws.cloudwatch.Dashboard:
        args = self._args
        functions = pulumi.Output.all(
            *(
                pulumi.Output.all(fn.key, fn.function_name, fn.log_group_name)
                for fn in args.functions
            )
        )
        resolved = pulumi.Output.all(
            region=self._region,
            functions=functions,
            api_name=args.rest_api_name,
            stage_name=args.stage_name,
            access_log_group_name=args.access_log_group_name,
            queue_name=args.ingest_queue_name,
            dlq_name=args.dlq_name,
            alarm_arns=pulumi.Output.all(*(alarm.arn for alarm in self.alarms)),
        )

        def body(values: dict[str, Any]) -> str:
            targets = DashboardTargets(
                stack=args.stack,
                region=values["region"],
                functions=[DashboardFunction(*fn) for fn in values["functions"]],
                api_name=values["api_name"],
                stage_name=values["stage_name"],
                access_log_group_name=values["access_log_group_name"],
                queue_name=values["queue_name"],
                dlq_name=values["dlq_name"],
                alarm_arns=values["alarm_arns"],
                oldest_message_seconds=oldest_message_threshold_seconds(args),
                daily_token_limit=args.alarms.daily_token_limit,
            )
            return json.dumps(dashboard_body(targets))

        return aws.cloudwatch.Dashboard(
            f"{self._name}-dashboard",
            dashboard_name=self._prefix,
            dashboard_body=resolved.apply(body),
            opts=self._child,
        )

    def _create_budget(self) -> aws.budgets.Budget:
        args = self._args
        # The tag is on every stack's resources: the budget covers the whole project in the
        # account. It only sees costs once `project` is activated as a cost-allocation tag.
        return aws.budgets.Budget(
            f"{self._name}-budget",
            name=f"{self._prefix}-monthly",
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{args.monthly_budget_usd:.2f}",
            limit_unit="USD",
            cost_filters=[{"name": "TagKeyValue", "values": [cost_filter_value()]}],
            notifications=notifications.budget_notifications(args.budget_emails, self.topic.arn),
            tags=self._tags,
            opts=self._child,
        )
