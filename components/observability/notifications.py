"""Who may publish to the alarm topic and use its key, and what the budget sends when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from components import policies

CLOUDWATCH = "cloudwatch.amazonaws.com"
BUDGETS = "budgets.amazonaws.com"

# (notification type, percent of the monthly limit): early warnings on what was spent,
# and one on where the month is heading.
BUDGET_THRESHOLDS: tuple[tuple[str, float], ...] = (
    ("ACTUAL", 50),
    ("ACTUAL", 75),
    ("ACTUAL", 90),
    ("FORECASTED", 100),
)


def topic_key_policy(account_id: pulumi.Input[str]) -> policies.PolicyDocument:
    """The topic key: the account administers it; CloudWatch and Budgets encrypt with it.

    Both services call KMS themselves when they publish to an encrypted topic, and the
    account's `kms:*` statement does not cover service principals: without these grants the
    alarm changes state but its e-mail is silently dropped.
    """
    return policies.document(
        {
            "Sid": "AccountAdministers",
            "Effect": "Allow",
            "Principal": {"AWS": pulumi.Output.concat("arn:aws:iam::", account_id, ":root")},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "AlarmsEncryptNotifications",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDWATCH},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        },
        {
            "Sid": "BudgetsEncryptNotifications",
            "Effect": "Allow",
            "Principal": {"Service": BUDGETS},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
    )


def topic_policy(
    topic_arn: pulumi.Input[str], account_id: pulumi.Input[str], region: pulumi.Input[str]
) -> policies.PolicyDocument:
    """CloudWatch alarms and AWS Budgets of this account may publish; only over TLS."""
    return policies.document(
        {
            "Sid": "AlarmsPublish",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDWATCH},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {
                "ArnLike": {
                    "aws:SourceArn": pulumi.Output.concat(
                        "arn:aws:cloudwatch:", region, ":", account_id, ":alarm:*"
                    )
                },
                "StringEquals": {"aws:SourceAccount": account_id},
            },
        },
        {
            "Sid": "BudgetsPublish",
            "Effect": "Allow",
            "Principal": {"Service": BUDGETS},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {
                "ArnLike": {
                    "aws:SourceArn": pulumi.Output.concat("arn:aws:budgets::", account_id, ":*")
                },
                "StringEquals": {"aws:SourceAccount": account_id},
            },
        },
        policies.deny_insecure_transport("sns:Publish", [topic_arn]),
    )


def budget_notifications(
    emails: Sequence[str], topic_arn: pulumi.Input[str]
) -> list[dict[str, Any]]:
    """The four notifications; e-mails directly, or the alarm topic when there are none.

    Budgets e-mails its recipients itself (no subscription to confirm); sending to the
    topic as well would reach the alarm subscribers twice when the lists are the same.
    """
    subscribers: dict[str, Any] = (
        {"subscriber_email_addresses": list(emails)}
        if emails
        else {"subscriber_sns_topic_arns": [topic_arn]}
    )
    return [
        {
            "notification_type": kind,
            "comparison_operator": "GREATER_THAN",
            "threshold": percent,
            "threshold_type": "PERCENTAGE",
            **subscribers,
        }
        for kind, percent in BUDGET_THRESHOLDS
    ]
