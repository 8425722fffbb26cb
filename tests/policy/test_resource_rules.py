"""Each resource rule fails on a mutated copy of a real resource: the guardrail can trip."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policy.doc_agent_guardrails import rules
from tests.infra.program import StackRun
from tests.infra.pulumi_mocks import Registered
from tests.policy.conftest import DROP, mutated


def _first(run: StackRun, token: str) -> Registered:
    found = run.of_type(token)
    assert found, token
    return found[0]


def _named(run: StackRun, suffix: str) -> Registered:
    return run.named(f"agent-api-{suffix}")


@pytest.mark.parametrize("flag", rules.PUBLIC_ACCESS_FLAGS)
def test_a_public_access_block_with_one_setting_off_fails(stack: StackRun, flag: str) -> None:
    # Given a real public access block with one of its four settings false
    block = _first(stack, rules.PUBLIC_ACCESS_BLOCK)
    props = mutated(block, **{flag: False})
    # When the rule runs, Then it names that setting and the fix
    assert rules.public_access_blocked(rules.PUBLIC_ACCESS_BLOCK, props) == [
        f"S3 public access block leaves {flag} off: set block_public_acls, block_public_policy, "
        "ignore_public_acls and restrict_public_buckets to True"
    ]


def test_a_public_access_block_missing_settings_names_each(stack: StackRun) -> None:
    block = _first(stack, rules.PUBLIC_ACCESS_BLOCK)
    props = mutated(block, blockPublicAcls=DROP, restrictPublicBuckets=DROP)
    (message,) = rules.public_access_blocked(rules.PUBLIC_ACCESS_BLOCK, props)
    assert message.startswith(
        "S3 public access block leaves blockPublicAcls, restrictPublicBuckets off"
    )


def test_a_queue_without_a_key_fails(stack: StackRun) -> None:
    queue = stack.named("store-ingest")
    props = mutated(queue, kmsMasterKeyId=DROP)
    assert rules.queue_encrypted(rules.QUEUE, props) == [
        "SQS queue is not encrypted at rest: set kms_master_key_id to the store's KMS key "
        "(or sqs_managed_sse_enabled=True)"
    ]
    # SQS-managed encryption is the accepted alternative
    assert rules.queue_encrypted(rules.QUEUE, {**props, "sqsManagedSseEnabled": True}) == []
    assert rules.queue_encrypted(rules.QUEUE, {**props, "sqsManagedSseEnabled": False}) != []


def test_a_table_without_pitr_fails(stack: StackRun) -> None:
    table = _first(stack, rules.TABLE)
    props = mutated(table, pointInTimeRecovery={"enabled": False})
    assert rules.table_protected(rules.TABLE, props) == [
        "DynamoDB table has no point-in-time recovery: set point_in_time_recovery={'enabled': True}"
    ]
    assert len(rules.table_protected(rules.TABLE, mutated(table, pointInTimeRecovery=DROP))) == 1


def test_a_table_with_the_aws_owned_key_fails(stack: StackRun) -> None:
    table = _first(stack, rules.TABLE)
    expected = [
        "DynamoDB table is not encrypted with a customer-managed KMS key: set "
        "server_side_encryption={'enabled': True, 'kms_key_arn': <key ARN>}"
    ]
    for sse in ({"enabled": True}, {"enabled": False, "kmsKeyArn": "arn:aws:kms:k"}, DROP):
        props = mutated(table, serverSideEncryption=sse)
        assert rules.table_protected(rules.TABLE, props) == expected, sse


def test_a_key_without_rotation_fails(stack: StackRun) -> None:
    key = _first(stack, rules.KMS_KEY)
    expected = ["KMS key does not rotate: set enable_key_rotation=True"]
    assert rules.key_rotates(rules.KMS_KEY, mutated(key, enableKeyRotation=False)) == expected
    assert rules.key_rotates(rules.KMS_KEY, mutated(key, enableKeyRotation=DROP)) == expected
    # Asymmetric keys cannot rotate: not a violation
    asymmetric = mutated(key, enableKeyRotation=DROP, customerMasterKeySpec="RSA_2048")
    assert rules.key_rotates(rules.KMS_KEY, asymmetric) == []


@pytest.mark.parametrize("runtime", ["python3.9", "python3.11", "nodejs18.x", DROP])
def test_a_function_on_an_unsupported_runtime_fails(stack: StackRun, runtime: object) -> None:
    function = _named(stack, "agent")
    props = mutated(function, runtime=runtime)
    shown = "(none)" if runtime is DROP else runtime
    assert rules.function_guarded(rules.FUNCTION, props) == [
        f"Lambda runtime {shown} is past end of life or not approved: "
        "set runtime to one of python3.12, python3.13"
    ]


def test_a_container_image_function_has_no_runtime_to_judge(stack: StackRun) -> None:
    props = mutated(_named(stack, "agent"), runtime=DROP, packageType="Image")
    assert rules.function_guarded(rules.FUNCTION, props) == []


def test_a_function_without_active_tracing_fails(stack: StackRun) -> None:
    function = _named(stack, "ingest")
    for tracing in ({"mode": "PassThrough"}, DROP):
        props = mutated(function, tracingConfig=tracing)
        assert rules.function_guarded(rules.FUNCTION, props) == [
            "Lambda function does not trace: set tracing_config={'mode': 'Active'}"
        ]


def test_a_function_without_its_own_log_group_fails(stack: StackRun) -> None:
    function = _named(stack, "api")
    props = mutated(function, loggingConfig={"logFormat": "JSON"})
    assert rules.function_guarded(rules.FUNCTION, props) == [
        "Lambda function logs to no group of its own: set logging_config={'log_group': "
        "<a LogGroup with retention and a KMS key>}"
    ]


@pytest.mark.parametrize("level", sorted(rules.QUIET_SYSTEM_LOG_LEVELS))
def test_a_function_dropping_its_report_lines_fails(stack: StackRun, level: str) -> None:
    # Given a real function whose platform logs are above INFO
    function = _named(stack, "ingest")
    logging = {**function.inputs["loggingConfig"], "systemLogLevel": level}
    props = mutated(function, loggingConfig=logging)
    # Then the rule names the fix
    assert rules.function_guarded(rules.FUNCTION, props) == [
        f"Lambda function drops its START/REPORT lines (system_log_level {level}): "
        "set logging_config={'system_log_level': 'INFO'}"
    ]


def test_a_log_group_kept_forever_or_unencrypted_fails(stack: StackRun) -> None:
    group = _first(stack, rules.LOG_GROUP)
    forever = ["log group keeps events forever: set retention_in_days (e.g. 14)"]
    unencrypted = ["log group is not encrypted with a KMS key: set kms_key_id to the key's ARN"]
    assert rules.log_group_guarded(rules.LOG_GROUP, mutated(group, retentionInDays=DROP)) == forever
    assert rules.log_group_guarded(rules.LOG_GROUP, mutated(group, retentionInDays=0)) == forever
    assert rules.log_group_guarded(rules.LOG_GROUP, mutated(group, kmsKeyId=DROP)) == unencrypted


def _with_statement(policy: Registered, statement: dict[str, Any]) -> dict[str, Any]:
    document = json.loads(policy.inputs["policy"])
    document["Statement"].append(statement)
    return mutated(policy, policy=json.dumps(document))


def test_a_role_policy_with_a_service_wildcard_fails(stack: StackRun) -> None:
    # Given the api function's real inline policy plus `s3:*` on its bucket
    policy = _named(stack, "api-policy")
    bucket_arn = "arn:aws:s3:::store-documents-a1b2c3d/*"
    props = _with_statement(
        policy, {"Sid": "Broad", "Effect": "Allow", "Action": "s3:*", "Resource": bucket_arn}
    )
    # Then exactly that statement is reported
    assert rules.role_policy_least_privilege(rules.ROLE_POLICY, props) == [
        "IAM statement Broad allows wildcard actions s3:*: list the exact actions the function calls"
    ]


def test_a_role_policy_allowing_everything_fails_twice(stack: StackRun) -> None:
    policy = _named(stack, "agent-policy")
    props = _with_statement(policy, {"Effect": "Allow", "Action": ["*"], "Resource": "*"})
    index = len(json.loads(policy.inputs["policy"])["Statement"])
    assert rules.role_policy_least_privilege(rules.ROLE_POLICY, props) == [
        f"IAM statement #{index} allows wildcard actions *: list the exact actions the function calls",
        f'IAM statement #{index} allows Resource "*" for *: name the resources\' ARNs '
        '(only X-Ray actions may use "*")',
    ]


def test_a_role_policy_with_star_resource_for_non_xray_actions_fails(stack: StackRun) -> None:
    policy = _named(stack, "ingest-policy")
    props = _with_statement(
        policy,
        {"Sid": "AnyTable", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": ["*"]},
    )
    assert rules.role_policy_least_privilege(rules.ROLE_POLICY, props) == [
        'IAM statement AnyTable allows Resource "*" for dynamodb:GetItem: name the resources\' '
        'ARNs (only X-Ray actions may use "*")'
    ]


def test_a_deny_with_wildcards_and_not_action_allows_are_judged_apart(stack: StackRun) -> None:
    policy = _named(stack, "api-policy")
    deny = {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    assert rules.role_policy_least_privilege(rules.ROLE_POLICY, _with_statement(policy, deny)) == []
    not_action = {"Sid": "AllBut", "Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:x"}
    assert rules.role_policy_least_privilege(
        rules.ROLE_POLICY, _with_statement(policy, not_action)
    ) == [
        "IAM statement AllBut allows with NotAction, which grants everything not listed: "
        "list the actions and resources instead"
    ]


def test_a_role_policy_that_is_not_json_fails(stack: StackRun) -> None:
    props = mutated(_named(stack, "api-policy"), policy="Allow everything")
    (message,) = rules.role_policy_least_privilege(rules.ROLE_POLICY, props)
    assert message.startswith("IAM role policy is not a JSON policy document")


@pytest.mark.parametrize("authorization", ["NONE", DROP])
def test_a_method_without_an_authorizer_fails(stack: StackRun, authorization: object) -> None:
    method = stack.named("agent-api-documents-get")
    props = mutated(method, authorization=authorization, authorizerId=DROP)
    shown = "(none)" if authorization is DROP else authorization
    assert rules.method_authorized(rules.METHOD, props) == [
        f"API Gateway GET method has authorization {shown}: set "
        "authorization='COGNITO_USER_POOLS' with the API's authorizer_id (or AWS_IAM / CUSTOM)"
    ]


def test_only_the_public_health_check_may_go_without_an_authorizer(stack: StackRun) -> None:
    # The real GET /health method passes as it is
    health = stack.named("agent-api-health-get")
    assert health.inputs["authorization"] == "NONE"
    assert rules.method_authorized(rules.METHOD, health.inputs) == []
    # Its operation name on another method, or another name on GET, does not
    for changed in (
        {"httpMethod": "POST"},
        {"operationName": "listDocuments"},
        {"operationName": DROP},
    ):
        props = mutated(health, **changed)
        assert rules.method_authorized(rules.METHOD, props), changed
    # And the pack and the route table agree on what is public
    from handlers.core.contracts.routes import ROUTES

    public = {(m, r.operation) for r in ROUTES if r.public for m in r.methods}
    assert public == set(rules.PUBLIC_OPERATIONS)


def test_cors_preflight_methods_stay_open(stack: StackRun) -> None:
    preflight = stack.named("agent-api-documents-options")
    assert preflight.inputs["authorization"] == "NONE"
    assert rules.method_authorized(rules.METHOD, preflight.inputs) == []


def test_a_distribution_serving_plain_http_fails(stack: StackRun) -> None:
    distribution = _first(stack, rules.DISTRIBUTION)
    props = mutated(distribution)
    props["orderedCacheBehaviors"][0]["viewerProtocolPolicy"] = "allow-all"
    assert rules.distribution_https_only(rules.DISTRIBUTION, props) == [
        "CloudFront /_next/static/* cache behavior allows allow-all: set "
        "viewer_protocol_policy='redirect-to-https'"
    ]
    props["defaultCacheBehavior"]["viewerProtocolPolicy"] = "allow-all"
    assert len(rules.distribution_https_only(rules.DISTRIBUTION, props)) == 2


def test_a_resource_missing_the_component_tag_fails(stack: StackRun) -> None:
    queue = stack.named("store-ingest")
    tags = {key: value for key, value in queue.tags.items() if key != "component"}
    props = mutated(queue, tags=tags)
    assert rules.cost_tags(rules.QUEUE, props) == [
        "resource lacks the cost-allocation tags component: give it "
        "tags={'project': ..., 'stack': ..., 'component': ...}"
    ]


def test_an_untagged_resource_of_any_taggable_type_fails(stack: StackRun) -> None:
    for token in {r.type for r in stack.resources if r.tags}:
        resource = _first(stack, token)
        (message,) = rules.cost_tags(token, mutated(resource, tags=DROP))
        assert "lacks the cost-allocation tags project, stack, component" in message, token


def test_provider_default_tags_count(stack: StackRun) -> None:
    queue = stack.named("store-ingest")
    props = mutated(queue, tags=DROP, tagsAll=queue.tags)
    assert rules.cost_tags(rules.QUEUE, props) == []


def test_types_without_tags_are_not_asked_for_them(stack: StackRun) -> None:
    block = _first(stack, rules.PUBLIC_ACCESS_BLOCK)
    assert rules.cost_tags(block.type, block.inputs) == []
    assert rules.cost_tags("doc-agent:index:DocumentStore", {}) == []
    assert rules.cost_tags("pulumi:providers:aws", {}) == []
    assert rules.cost_tags("aws:nosuchservice/thing:Thing", {}) == []
