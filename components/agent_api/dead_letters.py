"""The dead-letter consumer: a small function that marks dead-lettered uploads FAILED.

Deployed beside the three API functions (same packaging, log group, KMS and tracing, via
`deploy_function`) with its own role and an SQS event-source mapping on the ingest DLQ.
Its role can update document items, consume the DLQ and decrypt with the store's key:
nothing else (`handlers/dead_letters.py` says why it exists).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import policies
from components.agent_api.environment import Environment
from components.agent_api.functions import DeployedFunction, FunctionSpec, deploy_function
from components.agent_api.permissions import (
    _TRACING,
    StoreAccess,
    _key,
    _logs,
    _table,
    consume_queue,
)
from components.config import FunctionSettings
from handlers.core.contracts import layout, metric_names
from lambda_build.lambda_package import FunctionPackage

KEY = "dead_letters"
# A few DynamoDB updates per message: the smallest memory is plenty.
SETTINGS = FunctionSettings(memory_mb=256, timeout_seconds=30)


@dataclass(frozen=True)
class DeadLetterArgs:
    stack: str
    package: FunctionPackage
    access: StoreAccess
    dlq_arn: pulumi.Input[str]
    table_name: pulumi.Input[str]
    bucket_name: pulumi.Input[str]
    key_arn: pulumi.Input[str]
    log_retention_days: int
    snap_start: bool
    tags: Mapping[str, str]


def dead_letters_environment(args: DeadLetterArgs) -> Environment:
    return {
        "POWERTOOLS_SERVICE_NAME": KEY,
        "POWERTOOLS_METRICS_NAMESPACE": metric_names.namespace(args.stack),
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "TABLE_NAME": args.table_name,
        "BUCKET_NAME": args.bucket_name,
    }


# What marking a document FAILED touches (`DocumentTable.mark_failed`): the item's key, its
# status, the reason, the time and the real size. Nothing else of any item can be written
# or returned, though the table holds every user's conversations too.
MARK_FAILED_ATTRIBUTES = (
    layout.PARTITION_KEY,
    layout.SORT_KEY,
    "status",
    "failureReason",
    "updatedAt",
    "size",
)


def _mark_failed(access: StoreAccess) -> policies.Statement:
    statement = _table(access, "UpdateItem")
    statement["Condition"] = {
        "ForAllValues:StringEquals": {"dynamodb:Attributes": list(MARK_FAILED_ATTRIBUTES)},
        # ALL_OLD / ALL_NEW would return the item's other attributes.
        "StringEqualsIfExists": {"dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"]},
    }
    return statement


def dead_letters_policy(
    access: StoreAccess, log_group_arn: pulumi.Input[str], dlq_arn: pulumi.Input[str]
) -> policies.PolicyDocument:
    """Consume the DLQ (the mapping's calls) and mark document items FAILED."""
    return policies.document(
        _logs(log_group_arn),
        _TRACING,
        consume_queue("ConsumeIngestDeadLetters", dlq_arn),
        _mark_failed(access),
        # The DLQ and the table are encrypted with the store's key.
        _key(access, "Decrypt"),
    )


def create_dead_letter_consumer(
    name: str, args: DeadLetterArgs, parent: pulumi.Resource
) -> DeployedFunction:
    spec = FunctionSpec(
        key=KEY,
        package=args.package,
        settings=SETTINGS,
        environment=dead_letters_environment(args),
        log_retention_days=args.log_retention_days,
        key_arn=args.key_arn,
        snap_start=args.snap_start,
        tags=dict(args.tags),
    )
    deployed = deploy_function(
        name, spec, lambda logs: dead_letters_policy(args.access, logs, args.dlq_arn), parent
    )
    aws.lambda_.EventSourceMapping(
        f"{name}-{KEY}-trigger",
        event_source_arn=args.dlq_arn,
        function_name=deployed.target_arn,
        batch_size=layout.DEAD_LETTER_BATCH_SIZE,
        function_response_types=["ReportBatchItemFailures"],
        tags=dict(args.tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return deployed
