"""The guardrails, one pure function per rule: (type token, props) -> violation messages.

Props are camelCase, as the engine passes them. A value that is not known yet (an Output during
preview) is never a violation: the rule judges it once it is known, at `pulumi up`. Messages say
what is wrong and how to fix it in the program (snake_case argument names); the policy wrapper
prefixes the resource's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .taggable import takes_tags
from .values import NotJson, Props, as_list, is_set, is_unknown, json_document, section, statements

PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
QUEUE = "aws:sqs/queue:Queue"
TABLE = "aws:dynamodb/table:Table"
KMS_KEY = "aws:kms/key:Key"
FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
METHOD = "aws:apigateway/method:Method"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"

PUBLIC_ACCESS_FLAGS = (
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
)
SUPPORTED_RUNTIMES = frozenset({"python3.12", "python3.13"})
"""Python runtimes Lambda supports and this product is tested on; older ones are past end of life."""
API_AUTHORIZATIONS = frozenset({"COGNITO_USER_POOLS", "AWS_IAM", "CUSTOM"})
PUBLIC_OPERATIONS = frozenset({("GET", "getHealth")})
"""(method, operation name) of the API's deliberately public methods: `GET /health` (no
data; handlers/core/contracts/routes.py marks it public, tests/policy checks the two agree)."""
HTTPS_VIEWER_POLICIES = frozenset({"redirect-to-https", "https-only"})
QUIET_SYSTEM_LOG_LEVELS = frozenset({"WARN", "ERROR"})
"""Lambda's JSON-format platform levels that drop START/REPORT (operators read them)."""
COST_TAGS = ("project", "stack", "component")


def _false(value: Any) -> bool:
    """Not true and not unknown: the setting is off (absent means AWS's default, off)."""
    return value is not True and not is_unknown(value)


def _missing(value: Any) -> bool:
    return not is_set(value)


def public_access_blocked(token: str, props: Props) -> list[str]:
    """Rule 1a: a bucket's public access block turns on all four settings."""
    if token != PUBLIC_ACCESS_BLOCK:
        return []
    off = [flag for flag in PUBLIC_ACCESS_FLAGS if _false(props.get(flag))]
    if not off:
        return []
    return [
        f"S3 public access block leaves {', '.join(off)} off: set block_public_acls, "
        "block_public_policy, ignore_public_acls and restrict_public_buckets to True"
    ]


def queue_encrypted(token: str, props: Props) -> list[str]:
    """Rule 2: SQS queues are encrypted with a KMS key or SQS-managed keys."""
    if token != QUEUE:
        return []
    if is_set(props.get("kmsMasterKeyId")) or not _false(props.get("sqsManagedSseEnabled")):
        return []
    return [
        "SQS queue is not encrypted at rest: set kms_master_key_id to the store's KMS key "
        "(or sqs_managed_sse_enabled=True)"
    ]


def table_protected(token: str, props: Props) -> list[str]:
    """Rule 3: DynamoDB tables have point-in-time recovery and SSE with a KMS key."""
    if token != TABLE:
        return []
    found: list[str] = []
    if _false(section(props, "pointInTimeRecovery").get("enabled")):
        found.append(
            "DynamoDB table has no point-in-time recovery: set point_in_time_recovery={'enabled': True}"
        )
    sse = section(props, "serverSideEncryption")
    if _false(sse.get("enabled")) or _missing(sse.get("kmsKeyArn")):
        found.append(
            "DynamoDB table is not encrypted with a customer-managed KMS key: set "
            "server_side_encryption={'enabled': True, 'kms_key_arn': <key ARN>}"
        )
    return found


def key_rotates(token: str, props: Props) -> list[str]:
    """Rule 4: symmetric KMS keys rotate (asymmetric and HMAC keys cannot)."""
    if token != KMS_KEY:
        return []
    spec = props.get("customerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    if spec != "SYMMETRIC_DEFAULT" or not _false(props.get("enableKeyRotation")):
        return []
    return ["KMS key does not rotate: set enable_key_rotation=True"]


def function_guarded(token: str, props: Props) -> list[str]:
    """Rule 5a: functions run a supported runtime, trace with X-Ray and log to their own group,
    platform lines (START/REPORT, the cold-start Init Duration) included."""
    if token != FUNCTION:
        return []
    found: list[str] = []
    runtime = props.get("runtime")
    is_image = props.get("packageType") == "Image"
    if not is_image and not is_unknown(runtime) and runtime not in SUPPORTED_RUNTIMES:
        found.append(
            f"Lambda runtime {runtime or '(none)'} is past end of life or not approved: "
            f"set runtime to one of {', '.join(sorted(SUPPORTED_RUNTIMES))}"
        )
    mode = section(props, "tracingConfig").get("mode")
    if mode != "Active" and not is_unknown(mode):
        found.append("Lambda function does not trace: set tracing_config={'mode': 'Active'}")
    logging = section(props, "loggingConfig")
    if _missing(logging.get("logGroup")):
        found.append(
            "Lambda function logs to no group of its own: set logging_config={'log_group': "
            "<a LogGroup with retention and a KMS key>}"
        )
    system_level = logging.get("systemLogLevel")
    if system_level in QUIET_SYSTEM_LOG_LEVELS:
        found.append(
            f"Lambda function drops its START/REPORT lines (system_log_level {system_level}): "
            "set logging_config={'system_log_level': 'INFO'}"
        )
    return found


def log_group_guarded(token: str, props: Props) -> list[str]:
    """Rule 5b: log groups expire their events and are encrypted with a KMS key."""
    if token != LOG_GROUP:
        return []
    found: list[str] = []
    retention = props.get("retentionInDays")
    if not is_unknown(retention) and not retention:
        found.append("log group keeps events forever: set retention_in_days (e.g. 14)")
    if _missing(props.get("kmsKeyId")):
        found.append("log group is not encrypted with a KMS key: set kms_key_id to the key's ARN")
    return found


def _is_wildcard_action(action: str) -> bool:
    return action == "*" or action.endswith(":*")


def _scoped_metric_data(action: str, statement: Mapping[str, Any]) -> bool:
    """cloudwatch:PutMetricData has no resource ARN: `*` is fine when a namespace condition
    scopes it (the health canary's role)."""
    if action.lower() != "cloudwatch:putmetricdata":
        return False
    conditions = statement.get("Condition")
    return isinstance(conditions, dict) and any(
        isinstance(values, dict) and "cloudwatch:namespace" in values
        for values in conditions.values()
    )


def role_policy_least_privilege(token: str, props: Props) -> list[str]:
    """Rule 6: inline role policies name their actions, and resources except for X-Ray (and
    namespace-scoped cloudwatch:PutMetricData)."""
    if token != ROLE_POLICY:
        return []
    try:
        document = json_document(props.get("policy"))
    except NotJson as exc:
        return [f"IAM role policy is not a JSON policy document ({exc}): build it as a dict"]
    if document is None:
        return []
    found: list[str] = []
    for index, statement in enumerate(statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        sid = statement.get("Sid") or f"#{index}"
        actions = [str(action) for action in as_list(statement.get("Action"))]
        for key in ("NotAction", "NotResource"):
            if key in statement:
                found.append(
                    f"IAM statement {sid} allows with {key}, which grants everything not listed: "
                    f"list the actions and resources instead"
                )
        wildcards = [action for action in actions if _is_wildcard_action(action)]
        if wildcards:
            found.append(
                f"IAM statement {sid} allows wildcard actions {', '.join(wildcards)}: "
                "list the exact actions the function calls"
            )
        not_xray = [
            action
            for action in actions
            if not action.lower().startswith("xray:") and not _scoped_metric_data(action, statement)
        ]
        if "*" in as_list(statement.get("Resource")) and not_xray:
            found.append(
                f'IAM statement {sid} allows Resource "*" for {", ".join(not_xray)}: '
                'name the resources\' ARNs (only X-Ray actions may use "*")'
            )
    return found


def method_authorized(token: str, props: Props) -> list[str]:
    """Rule 7: every API method except CORS preflight (OPTIONS) and the public health check
    (PUBLIC_OPERATIONS) needs an authorizer."""
    if token != METHOD or props.get("httpMethod") == "OPTIONS":
        return []
    authorization = props.get("authorization")
    if is_unknown(authorization) or authorization in API_AUTHORIZATIONS:
        return []
    if (props.get("httpMethod"), props.get("operationName")) in PUBLIC_OPERATIONS:
        return []
    return [
        f"API Gateway {props.get('httpMethod', '?')} method has authorization "
        f"{authorization or '(none)'}: set authorization='COGNITO_USER_POOLS' with the "
        "API's authorizer_id (or AWS_IAM / CUSTOM)"
    ]


def distribution_https_only(token: str, props: Props) -> list[str]:
    """Rule 9: every CloudFront cache behavior sends viewers to HTTPS."""
    if token != DISTRIBUTION:
        return []
    behaviors: list[tuple[str, Any]] = [("default", props.get("defaultCacheBehavior"))]
    ordered = props.get("orderedCacheBehaviors")
    if not is_unknown(ordered):
        behaviors += [
            (str(behavior.get("pathPattern", f"#{index}")), behavior)
            for index, behavior in enumerate(as_list(ordered))
            if isinstance(behavior, dict)
        ]
    found: list[str] = []
    for pattern, behavior in behaviors:
        policy = behavior.get("viewerProtocolPolicy") if isinstance(behavior, dict) else None
        if is_unknown(behavior) or is_unknown(policy) or policy in HTTPS_VIEWER_POLICIES:
            continue
        found.append(
            f"CloudFront {pattern} cache behavior allows {policy or 'plain HTTP'}: set "
            "viewer_protocol_policy='redirect-to-https'"
        )
    return found


def cost_tags(token: str, props: Props) -> list[str]:
    """Rule 8: every resource that takes tags carries the cost-allocation tags."""
    if not takes_tags(token):
        return []
    tags, default_tags = props.get("tags"), props.get("tagsAll")
    if is_unknown(tags) or is_unknown(default_tags):
        return []
    given = {**(default_tags or {}), **(tags or {})}
    missing = [key for key in COST_TAGS if _missing(given.get(key))]
    if not missing:
        return []
    return [
        f"resource lacks the cost-allocation tags {', '.join(missing)}: give it "
        f"tags={{{', '.join(repr(key) + ': ...' for key in COST_TAGS)}}}"
    ]
