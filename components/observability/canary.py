"""HealthCanary: a CloudWatch Synthetics canary on the site and `GET /api/health` (prod,
behind `doc-agent:canary.enabled`); Observability alarms on its failed runs by its name.

The script is `ops/canary.py` (standard library only), packaged as the runtime expects it
(`python/health_canary.py`). Runs are stored in a private artifacts bucket for 30 days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components import policies
from components.config import CanarySettings
from components.private_bucket import bucket_policy, expire_objects, objects_arn, private_bucket
from components.tags import component_tags
from lambda_build.deterministic_zip import write_deterministic_zip

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "ops" / "canary.py"
ARCHIVE = REPO_ROOT / ".build" / "canary" / "health_canary.zip"
HANDLER = "health_canary.handler"
ARTIFACT_DAYS = 30
NAMESPACE = "CloudWatchSynthetics"
"""Where the runtime publishes SuccessPercent (the alarm's metric)."""


@dataclass(frozen=True)
class HealthCanaryArgs:
    stack: str
    settings: CanarySettings
    site_url: pulumi.Input[str]
    health_url: pulumi.Input[str]
    tags: Mapping[str, str]


def build_archive() -> Path:
    """The script as the Python runtime loads it, written deterministically."""
    ARCHIVE.parent.mkdir(parents=True, exist_ok=True)
    write_deterministic_zip([("python/health_canary.py", SCRIPT)], ARCHIVE)
    return ARCHIVE


def canary_name(stack: str) -> str:
    # Canary names: lower case, at most 21 characters.
    return f"doc-agent-{stack}"[:21].lower()


class HealthCanary(pulumi.ComponentResource):
    canary_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: HealthCanaryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("doc-agent:index:HealthCanary", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = component_tags(args.tags, "health-canary")
        bucket = private_bucket(f"{name}-artifacts", tags=tags, opts=child, force_destroy=True)
        expire_objects(
            f"{name}-artifacts-lifecycle",
            bucket,
            rule_id="expire-canary-runs",
            days=ARTIFACT_DAYS,
            opts=child,
        )
        bucket_policy(f"{name}-artifacts", bucket, opts=child)
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=policies.assume_role_policy("lambda.amazonaws.com"),
            description="The health canary: write its run artifacts, logs and metrics",
            tags=tags,
            opts=child,
        )
        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        account = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id
        aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=policies.to_json(self._policy(bucket, region, account)),
            opts=child,
        )
        canary = aws.synthetics.Canary(
            f"{name}-canary",
            name=canary_name(args.stack),
            artifact_s3_location=pulumi.Output.concat("s3://", bucket.bucket, "/runs/"),
            execution_role_arn=role.arn,
            handler=HANDLER,
            runtime_version=args.settings.runtime_version,
            zip_file=str(build_archive()),
            schedule={"expression": f"rate({args.settings.rate_minutes} minutes)"},
            run_config={
                "timeout_in_seconds": 60,
                "environment_variables": {
                    "SITE_URL": args.site_url,
                    "HEALTH_URL": args.health_url,
                },
            },
            start_canary=True,
            success_retention_period=ARTIFACT_DAYS,
            failure_retention_period=ARTIFACT_DAYS,
            delete_lambda=True,
            tags=tags,
            opts=child,
        )
        self.canary_name = canary.name
        self.register_outputs({"canary_name": self.canary_name})

    @staticmethod
    def _policy(
        bucket: aws.s3.Bucket, region: pulumi.Input[str], account: pulumi.Input[str]
    ) -> policies.PolicyDocument:
        return policies.document(
            {
                "Sid": "WriteRunArtifacts",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": objects_arn(bucket),
            },
            {
                "Sid": "LocateArtifactsBucket",
                "Effect": "Allow",
                "Action": "s3:GetBucketLocation",
                "Resource": bucket.arn,
            },
            {
                # The runtime's own log group (/aws/lambda/cwsyn-<name>-<id>).
                "Sid": "WriteOwnLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": pulumi.Output.concat(
                    "arn:aws:logs:", region, ":", account, ":log-group:/aws/lambda/cwsyn-*"
                ),
            },
            {
                # PutMetricData has no resource ARN; the namespace condition scopes it.
                "Sid": "PublishCanaryMetrics",
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",
                "Condition": {"StringEquals": {"cloudwatch:namespace": NAMESPACE}},
            },
        )
