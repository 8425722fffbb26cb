"""One Lambda function with everything it owns: log group, role, dependency layer, alias."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi_aws import lambda_

from components import policies
from components.config import FunctionSettings
from lambda_build.lambda_package import S3_UPLOAD_THRESHOLD_BYTES, FunctionPackage

RUNTIME = "python3.13"
ARCHITECTURE = "arm64"
ALIAS_NAME = "live"


@dataclass(frozen=True)
class FunctionSpec:
    key: str
    """api, agent or ingest: the handler module and the metrics `service` dimension."""
    package: FunctionPackage
    settings: FunctionSettings
    environment: dict[str, pulumi.Input[str]]
    log_retention_days: int
    key_arn: pulumi.Input[str]
    """Encrypts the log group and the environment variables."""
    snap_start: bool
    tags: dict[str, str]
    artifacts_bucket: pulumi.Input[str] | None = None
    """Where layers over the S3 upload threshold are uploaded first (None: none are)."""


class LayerNeedsS3Error(pulumi.RunError):
    """A layer too big to upload inline, and no artifacts bucket to upload it through."""

    def __init__(self, function: str, size: int) -> None:
        super().__init__(
            f"the {function} layer zip is {size / 1_048_576:.1f} MB, over the "
            f"{S3_UPLOAD_THRESHOLD_BYTES / 1_048_576:.0f} MB inline-upload threshold: "
            "it must be uploaded through the artifacts bucket"
        )


@dataclass(frozen=True)
class DeployedFunction:
    key: str
    function: aws.lambda_.Function
    log_group: aws.cloudwatch.LogGroup
    alias: aws.lambda_.Alias | None
    timeout_seconds: int

    @property
    def invoke_arn(self) -> pulumi.Output[str]:
        """What API Gateway integrates with: the alias when there is one (rollback = move it)."""
        arn: pulumi.Output[str] = (self.alias or self.function).invoke_arn
        return arn

    @property
    def target_arn(self) -> pulumi.Output[str]:
        arn: pulumi.Output[str] = (self.alias or self.function).arn
        return arn


def deploy_function(
    name: str,
    spec: FunctionSpec,
    policy: Callable[[pulumi.Output[str]], policies.PolicyDocument],
    parent: pulumi.Resource,
) -> DeployedFunction:
    child = pulumi.ResourceOptions(parent=parent)
    prefix = f"{name}-{spec.key}"
    # Created before the function, so Lambda never creates an unencrypted, never-expiring one.
    log_group = aws.cloudwatch.LogGroup(
        f"{prefix}-logs",
        retention_in_days=spec.log_retention_days,
        kms_key_id=spec.key_arn,
        tags=spec.tags,
        opts=child,
    )
    role = aws.iam.Role(
        f"{prefix}-role",
        assume_role_policy=policies.assume_role_policy("lambda.amazonaws.com"),
        description=f"{prefix}: only what the {spec.key} function calls",
        tags=spec.tags,
        opts=child,
    )
    role_policy = aws.iam.RolePolicy(
        f"{prefix}-policy",
        role=role.id,
        policy=policies.to_json(policy(log_group.arn)),
        opts=child,
    )
    layer = _layer(prefix, spec, parent)
    settings = spec.settings
    function = aws.lambda_.Function(
        prefix,
        runtime=RUNTIME,
        architectures=[ARCHITECTURE],
        handler=f"handlers.{spec.key}.lambda_handler",
        code=pulumi.FileArchive(str(spec.package.code_archive)),
        source_code_hash=spec.package.code_sha256,
        layers=[layer.arn],
        role=role.arn,
        memory_size=settings.memory_mb,
        timeout=settings.timeout_seconds,
        reserved_concurrent_executions=settings.reserved_concurrency
        if settings.reserved_concurrency is not None
        else -1,
        tracing_config={"mode": "Active"},
        logging_config={
            "log_format": "JSON",
            "log_group": log_group.name,
            "application_log_level": "INFO",
            # INFO keeps Lambda's START/REPORT lines (Init Duration, memory) for operators.
            "system_log_level": "INFO",
        },
        environment={"variables": spec.environment},
        kms_key_arn=spec.key_arn,
        publish=spec.snap_start,
        snap_start={"apply_on": "PublishedVersions"} if spec.snap_start else None,
        tags=spec.tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[role_policy, log_group]),
    )
    alias = None
    if spec.snap_start:
        alias = aws.lambda_.Alias(
            f"{prefix}-{ALIAS_NAME}",
            name=ALIAS_NAME,
            function_name=function.name,
            function_version=function.version,
            description="The version callers use; point it at an older version to roll back",
            opts=child,
        )
    return DeployedFunction(
        key=spec.key,
        function=function,
        log_group=log_group,
        alias=alias,
        timeout_seconds=settings.timeout_seconds,
    )


def _layer(prefix: str, spec: FunctionSpec, parent: pulumi.Resource) -> aws.lambda_.LayerVersion:
    """The dependency layer, uploaded inline when small and through S3 when not.

    An inline upload travels base64-encoded in one API call, capped at 50 MB of zip; a big
    layer goes to the artifacts bucket first and Lambda reads it from there.
    """
    package = spec.package
    child = pulumi.ResourceOptions(parent=parent)
    code: pulumi.Archive | None = None
    s3_bucket: pulumi.Output[str] | None = None
    s3_key: pulumi.Output[str] | None = None
    if not package.layer_needs_s3_upload:
        code = pulumi.FileArchive(str(package.layer_archive))
    elif spec.artifacts_bucket is None:
        raise LayerNeedsS3Error(spec.key, package.layer_zip_bytes)
    else:
        upload = aws.s3.BucketObjectv2(
            f"{prefix}-deps-zip",
            aws.s3.BucketObjectv2Args(
                bucket=spec.artifacts_bucket,
                # Content-addressed: a new build is a new object, an unchanged one no upload.
                key=f"layers/{spec.key}/{package.layer_sha256.replace('/', '_')}.zip",
                source=pulumi.FileAsset(str(package.layer_archive)),
                content_type="application/zip",
                tags=spec.tags,
            ),
            opts=child,
        )
        s3_bucket, s3_key = upload.bucket, upload.key
    return aws.lambda_.LayerVersion(
        f"{prefix}-deps",
        lambda_.LayerVersionArgs(
            layer_name=f"{prefix}-deps-{pulumi.get_stack()}",
            code=code,
            s3_bucket=s3_bucket,
            s3_key=s3_key,
            source_code_hash=package.layer_sha256,
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description=f"Dependencies of the {spec.key} function",
        ),
        opts=child,
    )
