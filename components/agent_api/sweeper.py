"""The sweeper function (handlers/sweeper.py), its least-privilege role and its schedule.

Kept apart from the three request-serving functions: it is an operations job, started by an
EventBridge rule every SWEEP_RATE, with no route and no event source mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import policies
from components.agent_api.functions import DeployedFunction, FunctionSpec, deploy_function
from components.agent_api.permissions import StoreAccess
from components.config import FunctionSettings
from handlers.core.contracts import layout, metric_names
from lambda_build.lambda_package import FunctionPackage

SWEEP_RATE = "rate(15 minutes)"
# A sweep is one Scan plus a few conditional writes: small and quick.
SETTINGS = FunctionSettings(memory_mb=256, timeout_seconds=300)


@dataclass(frozen=True)
class SweeperArgs:
    stack: str
    package: FunctionPackage
    access: StoreAccess
    table_name: pulumi.Input[str]
    bucket_name: pulumi.Input[str]
    queue_url: pulumi.Input[str]
    upload_url_ttl_seconds: int
    ingest_timeout_seconds: int
    log_retention_days: int
    tags: dict[str, str]
    artifacts_bucket: pulumi.Input[str] | None = None
    """Where a layer too large to send inline goes (AgentApi's artifacts bucket)."""


def sweeper_policy(store: StoreAccess, log_group_arn: pulumi.Input[str]) -> policies.PolicyDocument:
    """Scan for PENDING items and update them; see whether a raw object exists (a listing
    under raw/, never a read of the file); re-enqueue an upload."""
    return policies.document(
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": pulumi.Output.concat(log_group_arn, ":*"),
        },
        {
            "Sid": "Tracing",
            "Effect": "Allow",
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            # X-Ray has no resource-level permissions.
            "Resource": "*",
        },
        {
            "Sid": "Table",
            "Effect": "Allow",
            "Action": ["dynamodb:Scan", "dynamodb:UpdateItem"],
            "Resource": store.table_arn,
        },
        {
            "Sid": "ListRaw",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": store.bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": [f"{layout.RAW_PREFIX}*"]}},
        },
        {
            "Sid": "ReEnqueueUploads",
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": store.queue_arn,
        },
        {
            # The table's items and the queue's messages are encrypted with the store key.
            "Sid": "DocumentsKey",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": store.key_arn,
        },
    )


def sweeper_environment(args: SweeperArgs) -> dict[str, pulumi.Input[str]]:
    """What `handlers.core.sweeper.settings.SweeperSettings` parses."""
    return {
        "POWERTOOLS_SERVICE_NAME": "sweeper",
        "POWERTOOLS_METRICS_NAMESPACE": metric_names.namespace(args.stack),
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "TABLE_NAME": args.table_name,
        "BUCKET_NAME": args.bucket_name,
        "QUEUE_URL": args.queue_url,
        "UPLOAD_URL_TTL_SECONDS": str(args.upload_url_ttl_seconds),
        "INGEST_TIMEOUT_SECONDS": str(args.ingest_timeout_seconds),
    }


def create_sweeper(name: str, args: SweeperArgs, parent: pulumi.Resource) -> DeployedFunction:
    spec = FunctionSpec(
        key="sweeper",
        package=args.package,
        settings=SETTINGS,
        environment=sweeper_environment(args),
        log_retention_days=args.log_retention_days,
        key_arn=args.access.key_arn,
        # Started by a schedule, where a cold start costs nothing: no SnapStart, no alias.
        snap_start=False,
        tags=args.tags,
        artifacts_bucket=args.artifacts_bucket,
    )
    deployed = deploy_function(name, spec, lambda logs: sweeper_policy(args.access, logs), parent)
    child = pulumi.ResourceOptions(parent=parent)
    rule = aws.cloudwatch.EventRule(
        f"{name}-sweeper-schedule",
        description="Repairs documents stuck in PENDING (handlers/sweeper.py)",
        schedule_expression=SWEEP_RATE,
        tags=args.tags,
        opts=child,
    )
    permission = aws.lambda_.Permission(
        f"{name}-sweeper-invoke",
        action="lambda:InvokeFunction",
        function=deployed.function.name,
        qualifier=deployed.alias.name if deployed.alias else None,
        principal="events.amazonaws.com",
        source_arn=rule.arn,
        opts=child,
    )
    aws.cloudwatch.EventTarget(
        f"{name}-sweeper-target",
        rule=rule.name,
        arn=deployed.target_arn,
        # A missed sweep is harmless: the next one finds the same documents.
        retry_policy={"maximum_retry_attempts": 0, "maximum_event_age_in_seconds": 600},
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[permission]),
    )
    return deployed
