"""The pulumi_policy objects: thin wrappers that hand each rule plain props and report what it finds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    Policy,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from . import rules, stack_rules
from .stack_rules import StackResource
from .values import Props

ResourceCheck = Callable[[str, Props], list[str]]
StackCheck = Callable[[Sequence[StackResource]], list[str]]


@dataclass(frozen=True)
class ResourceRule:
    name: str
    """The policy's id in the pack (what `pulumi preview` prints)."""
    description: str
    check: ResourceCheck


@dataclass(frozen=True)
class StackRule:
    name: str
    description: str
    check: StackCheck


RESOURCE_RULES: tuple[ResourceRule, ...] = (
    ResourceRule(
        "s3-public-access-block-complete",
        "S3 public access blocks turn on all four settings.",
        rules.public_access_blocked,
    ),
    ResourceRule(
        "sqs-encrypted",
        "SQS queues are encrypted with KMS or SQS-managed keys.",
        rules.queue_encrypted,
    ),
    ResourceRule(
        "dynamodb-pitr-and-kms",
        "DynamoDB tables have point-in-time recovery and SSE with a KMS key.",
        rules.table_protected,
    ),
    ResourceRule("kms-key-rotation", "KMS keys rotate.", rules.key_rotates),
    ResourceRule(
        "lambda-runtime-tracing-logs",
        "Lambda functions run a supported Python runtime, trace with X-Ray and log to their own "
        "group, START/REPORT lines included.",
        rules.function_guarded,
    ),
    ResourceRule(
        "log-group-retention-and-kms",
        "Log groups have a retention period and a KMS key.",
        rules.log_group_guarded,
    ),
    ResourceRule(
        "iam-inline-least-privilege",
        'Inline role policies allow no "*" or "service:*" actions and no "*" resource except X-Ray.',
        rules.role_policy_least_privilege,
    ),
    ResourceRule(
        "api-methods-authorized",
        "API Gateway methods other than OPTIONS require an authorizer.",
        rules.method_authorized,
    ),
    ResourceRule(
        "cost-allocation-tags",
        "Resources that take tags carry project, stack and component.",
        rules.cost_tags,
    ),
    ResourceRule(
        "cloudfront-https-only",
        "CloudFront sends viewers to HTTPS on every cache behavior.",
        rules.distribution_https_only,
    ),
)
STACK_RULES: tuple[StackRule, ...] = (
    StackRule(
        "s3-bucket-guarded",
        "Every S3 bucket has a public access block, default encryption and a TLS-only policy.",
        stack_rules.buckets_fully_guarded,
    ),
)


def plain(value: Any) -> Any:
    """The engine's props (read-only proxies that raise on unknown values) as plain dicts and
    lists, with each unknown value left as the engine's sentinel for the rules to recognise."""
    if isinstance(value, Mapping):
        return {key: _item(value, key) for key in value}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_item(value, index) for index in range(len(value))]
    return value


def _item(container: Any, key: Any) -> Any:
    try:
        return plain(container[key])
    except UnknownValueError as exc:
        return exc.unknown_type_sentinel


def resource_policy(rule: ResourceRule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in rule.check(args.resource_type, plain(args.props)):
            report_violation(f"{args.name}: {message}", args.urn)

    return ResourceValidationPolicy(name=rule.name, description=rule.description, validate=validate)


def stack_policy(rule: StackRule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [(r.resource_type, r.name, plain(r.props)) for r in args.resources]
        for message in rule.check(resources):
            report_violation(message, None)

    return StackValidationPolicy(name=rule.name, description=rule.description, validate=validate)


def guardrail_policies() -> list[Policy]:
    """Every guardrail as a policy object (the pack's enforcement level applies to all)."""
    return [resource_policy(rule) for rule in RESOURCE_RULES] + [
        stack_policy(rule) for rule in STACK_RULES
    ]
