"""AWS rules the mocks do not enforce, written down so a real `pulumi up` keeps working.

Each test names the rule it encodes (issue 12); all run the real program for the real
stack configs under mocks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components import policies
from components.agent_api.firewall import BODY_SIZE_RULE, BODY_SIZE_RULE_LIMIT_BYTES
from components.agent_api.functions import FunctionSpec, LayerNeedsS3Error, deploy_function
from components.config import ConfigError, FunctionSettings, parse_config
from handlers.core.contracts import layout
from handlers.core.contracts.routes import STAGE_NAME
from handlers.core.conversations.models import MAX_QUESTION_LENGTH
from lambda_build.lambda_package import (
    REPO_ROOT,
    S3_UPLOAD_THRESHOLD_BYTES,
    FunctionPackage,
)
from policy.doc_agent_guardrails.values import statements
from tests.infra.program import MockedPulumi, StackRun, stack_config
from tests.infra.pulumi_mocks import ACCOUNT_ID, AwsMocks, Registered
from tests.infra.resources import policy

ACCOUNT = "aws:apigateway/account:Account"
STAGE = "aws:apigateway/stage:Stage"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
DEPLOYMENT = "aws:apigateway/deployment:Deployment"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BUCKET = "aws:s3/bucket:Bucket"
LAYER = "aws:lambda/layerVersion:LayerVersion"
FUNCTION = "aws:lambda/function:Function"


def _with(stack: str, **changes: object) -> dict[str, str]:
    config = stack_config(stack)
    for key, value in changes.items():
        config[key] = value if isinstance(value, str) else json.dumps(value)
    return config


# --- 2, 3: API Gateway's account-wide CloudWatch role --------------------------------------


def test_only_the_owning_stack_declares_the_gateway_account_setting_and_retains_it(
    stack: StackRun,
) -> None:
    accounts = stack.of_type(ACCOUNT)
    if stack.stack == "dev":
        # dev and prod in one account would overwrite each other's setting
        assert accounts == []
        return
    (account,) = accounts
    role = stack.named("agent-api-gateway-logs-role")
    assert account.inputs["cloudwatchRoleArn"] == role.outputs["arn"]
    # Destroying the stack must not reset the setting other stacks log through.
    assert account.retain_on_delete
    assert role.retain_on_delete
    assert stack.named("agent-api-gateway-logs-policy").retain_on_delete


def test_a_stack_config_can_take_over_the_gateway_account_setting(
    pulumi_mocks: MockedPulumi,
) -> None:
    run = pulumi_mocks.run("dev", _with("dev", **{"doc-agent:api": {"manageGatewayAccount": True}}))
    (account,) = run.of_type(ACCOUNT)
    assert account.retain_on_delete


def test_logging_waits_for_the_account_role_and_the_execution_log_group(stack: StackRun) -> None:
    execution_logs = stack.named("agent-api-execution-logs")
    required = {execution_logs.urn, *(account.urn for account in stack.of_type(ACCOUNT))}
    for resource in (*stack.of_type(STAGE), *stack.of_type(METHOD_SETTINGS)):
        assert required <= set(resource.dependencies), resource.name


# --- 4, 7: Cognito --------------------------------------------------------------------------


def test_user_pool_requires_verification_before_an_email_change(stack: StackRun) -> None:
    (pool,) = stack.of_type("aws:cognito/userPool:UserPool")
    assert pool.inputs["userAttributeUpdateSettings"] == {
        "attributesRequireVerificationBeforeUpdates": ["email"]
    }


def test_prod_sends_cognito_mail_through_its_ses_identity(stack: StackRun) -> None:
    config = parse_config(stack_config(stack.stack))
    (pool,) = stack.of_type("aws:cognito/userPool:UserPool")
    email = pool.inputs["emailConfiguration"]
    if stack.stack == "dev":
        assert email == {"emailSendingAccount": "COGNITO_DEFAULT"}
        return
    assert config.auth.email is not None
    assert email["emailSendingAccount"] == "DEVELOPER"
    assert email["fromEmailAddress"] == config.auth.email.from_address
    assert email["sourceArn"] == (
        f"arn:aws:ses:{config.region}:{ACCOUNT_ID}:identity/{config.auth.email.ses_identity}"
    )


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ({"fromAddress": "a@other.org", "sesIdentity": "example.com"}, "doc-agent:auth.email"),
        ({"fromAddress": "no-reply@example.com", "sesIdentity": "not an identity"},
         "doc-agent:auth.email.sesIdentity"),
    ],
)  # fmt: skip
def test_auth_email_is_validated_with_its_key_path(email: dict[str, str], problem: str) -> None:
    config = _with("prod", **{"doc-agent:auth": {"email": email}})
    with pytest.raises(ConfigError) as raised:
        parse_config(config)
    assert any(line.startswith(problem) for line in raised.value.problems), raised.value.problems


# --- 5, 9: concurrency ----------------------------------------------------------------------


def test_ingest_is_capped_by_its_trigger_never_by_throttling(stack: StackRun) -> None:
    config = parse_config(stack_config(stack.stack))
    ingest = stack.named("agent-api-ingest")
    trigger = stack.named("agent-api-ingest-trigger")
    maximum = config.functions.ingest.max_concurrency
    if maximum is not None:
        assert trigger.inputs["scalingConfig"] == {"maximumConcurrency": maximum}
    reserved = ingest.inputs["reservedConcurrentExecutions"]
    # Throttled batches return to the queue and count towards maxReceiveCount.
    assert reserved == -1 or (maximum is not None and reserved >= maximum)


def test_prod_caps_ingest_concurrency() -> None:
    assert parse_config(stack_config("prod")).functions.ingest.max_concurrency == 10


@pytest.mark.parametrize(
    "ingest",
    [
        {"memoryMb": 1024, "timeoutSeconds": 60, "reservedConcurrency": 10},
        {"memoryMb": 1024, "timeoutSeconds": 60, "reservedConcurrency": 5, "maxConcurrency": 10},
    ],
)
def test_reserved_concurrency_below_the_trigger_cap_is_refused(ingest: dict[str, int]) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(_with("prod", **{"doc-agent:functions": {"ingest": ingest}}))
    assert any(
        line.startswith("doc-agent:functions.ingest: ") and "maxConcurrency" in line
        for line in raised.value.problems
    ), raised.value.problems


def test_max_concurrency_is_refused_on_functions_without_a_queue() -> None:
    api = {"memoryMb": 512, "timeoutSeconds": 15, "maxConcurrency": 5}
    with pytest.raises(ConfigError, match=r"doc-agent:functions\.api: .*ingest function only"):
        parse_config(_with("dev", **{"doc-agent:functions": {"api": api}}))


def test_reservations_are_opt_in_so_a_new_account_can_deploy() -> None:
    # AWS keeps 100 executions unreserved; new accounts often have a quota well under 1,000.
    for stack in ("dev", "prod"):
        assert parse_config(stack_config(stack)).functions.reserved_total() == 0, stack


# --- 6: the deployment's fingerprint --------------------------------------------------------


def _fingerprint(run: StackRun) -> str:
    (deployment,) = run.of_type(DEPLOYMENT)
    return str(deployment.inputs["triggers"]["redeployment"])


def test_a_replaced_user_pool_redeploys_the_stage(
    pulumi_mocks: MockedPulumi, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _fingerprint(pulumi_mocks.run("dev"))
    real = AwsMocks._specific

    def replaced_pool(self: Any, typ: str, name: str, inputs: Any, current: Any) -> Any:
        found = real(self, typ, name, inputs, current)
        if typ == "aws:cognito/userPool:UserPool":
            found = {**found, "arn": found["arn"].replace("AbCdEf123", "Replaced9")}
        return found

    monkeypatch.setattr(AwsMocks, "_specific", replaced_pool)
    after = _fingerprint(pulumi_mocks.run("dev"))
    # The authorizer names the new pool; the stage must get a deployment that knows it.
    assert after != before


# --- 8: WAF and the question's size ---------------------------------------------------------


def _waf_body_limit(acl: Registered) -> int | None:
    """The body size the web ACL blocks above, None when nothing in it blocks on size."""
    for rule in acl.inputs["rules"]:
        statement = rule["statement"].get("managedRuleGroupStatement")
        if statement and statement["name"] == "AWSManagedRulesCommonRuleSet":
            counted = {
                override["name"]
                for override in statement.get("ruleActionOverrides") or []
                if "count" in override["actionToUse"]
            }
            return None if BODY_SIZE_RULE in counted else BODY_SIZE_RULE_LIMIT_BYTES
    return None


def test_the_longest_question_passes_the_waf(stack: StackRun) -> None:
    # Worst case: every character escaped as a surrogate pair by the client's JSON encoder.
    body = json.dumps({"question": "\U0001f600" * MAX_QUESTION_LENGTH}).encode()
    for acl in stack.of_type("aws:wafv2/webAcl:WebAcl"):
        limit = _waf_body_limit(acl)
        assert limit is None or len(body) <= limit, (len(body), limit)


def test_prod_has_a_waf_that_counts_oversized_bodies(stack: StackRun) -> None:
    acls = stack.of_type("aws:wafv2/webAcl:WebAcl")
    assert len(acls) == (1 if stack.stack == "prod" else 0)
    for acl in acls:
        assert _waf_body_limit(acl) is None


# --- 10: tear-down --------------------------------------------------------------------------


def test_unprotected_buckets_can_be_destroyed_and_protected_ones_cannot(stack: StackRun) -> None:
    config = parse_config(stack_config(stack.stack))
    documents = stack.named("store-documents")
    assert documents.inputs["forceDestroy"] is (not config.data.deletion_protection)
    assert documents.protect is config.data.deletion_protection
    if not config.data.deletion_protection:
        for bucket in stack.of_type(BUCKET):
            assert bucket.inputs["forceDestroy"] is True, bucket.name


def test_dev_with_site_access_logs_still_tears_down(pulumi_mocks: MockedPulumi) -> None:
    run = pulumi_mocks.run("dev", _with("dev", **{"doc-agent:site": {"accessLogs": True}}))
    logs = run.named("site-access-logs")
    assert logs.inputs["forceDestroy"] is True
    assert all(bucket.inputs["forceDestroy"] is True for bucket in run.of_type(BUCKET))


# --- 11: Lambda's own log lines -------------------------------------------------------------


def test_functions_keep_lambdas_start_and_report_lines(stack: StackRun) -> None:
    for function in stack.of_type(FUNCTION):
        assert function.inputs["loggingConfig"]["systemLogLevel"] == "INFO", function.name


# --- 12: queue age vs retries ---------------------------------------------------------------


def test_a_retried_upload_does_not_fire_the_queue_age_alarm(stack: StackRun) -> None:
    visibility = stack.named("store-ingest").inputs["visibilityTimeoutSeconds"]
    alarm = stack.named("observability-ingest-oldest-message")
    assert alarm.inputs["threshold"] > (layout.MAX_RECEIVE_COUNT - 1) * visibility


# --- 13: execution logs and the usage plan --------------------------------------------------


def test_execution_logs_go_to_a_declared_encrypted_expiring_group(stack: StackRun) -> None:
    config = parse_config(stack_config(stack.stack))
    (rest_api,) = stack.of_type("aws:apigateway/restApi:RestApi")
    group = stack.named("agent-api-execution-logs")
    assert group.inputs["name"] == f"API-Gateway-Execution-Logs_{rest_api.id}/{STAGE_NAME}"
    assert group.inputs["retentionInDays"] == config.logs.retention_days
    assert group.inputs["kmsKeyId"] == stack.named("store-key").outputs["arn"]
    assert stack.of_type("aws:apigateway/usagePlan:UsagePlan") == []


# --- 14: layer uploads ----------------------------------------------------------------------


def test_layers_past_the_threshold_go_through_the_artifacts_bucket(stack: StackRun) -> None:
    layers = {layer.name.removesuffix("-deps"): layer for layer in stack.of_type(LAYER)}
    assert {f"agent-api-{function}" for function in ("api", "agent", "ingest")} <= set(layers)
    through_s3 = 0
    for prefix, layer in layers.items():
        function = prefix.removeprefix("agent-api-")
        size = Path(REPO_ROOT / ".build" / function / "layer.zip").stat().st_size
        if size > S3_UPLOAD_THRESHOLD_BYTES:
            through_s3 += 1
            upload = stack.named(f"{prefix}-deps-zip")
            assert layer.inputs.get("code") is None, function
            assert layer.inputs["s3Bucket"] == stack.named("agent-api-artifacts").outputs["bucket"]
            assert layer.inputs["s3Key"] == upload.inputs["key"]
        else:
            assert "s3Key" not in layer.inputs, function
    # The ingest layer (pypdfium2, numpy, python-docx, ...) is ~40 MB zipped.
    assert through_s3 >= 1


# --- 16: the key grant S3 needs for notifications -------------------------------------------


def test_s3_may_encrypt_notifications_as_aws_documents_it(stack: StackRun) -> None:
    key_policy = policy(stack.named("store-key"))
    (grant,) = [
        s for s in statements(key_policy) if s.get("Principal") == {"Service": "s3.amazonaws.com"}
    ]
    assert sorted(grant["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    # A condition S3's call does not satisfy makes every notification (and the test
    # message S3 sends when the notification is created) fail.
    assert "Condition" not in grant
    # The queue's policy is what limits the sender to this bucket and account.
    (queue_policy,) = stack.by_input("aws:sqs/queuePolicy:QueuePolicy", "queueUrl",
                                     stack.named("store-ingest").outputs["url"])  # fmt: skip
    (send,) = [s for s in statements(policy(queue_policy)) if s["Effect"] == "Allow"]
    assert (
        send["Condition"]["ArnEquals"]["aws:SourceArn"]
        == stack.named("store-documents").outputs["arn"]
    )
    assert send["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT_ID


def test_a_layer_past_the_threshold_without_an_artifacts_bucket_fails_the_program(
    pulumi_mocks: MockedPulumi, tmp_path: Path
) -> None:
    # Given a package whose layer zip is just past the inline threshold (a sparse file)
    layer = tmp_path / "layer.zip"
    with layer.open("wb") as handle:
        handle.truncate(S3_UPLOAD_THRESHOLD_BYTES + 1)
    code = tmp_path / "code.zip"
    code.write_bytes(b"PK")
    package = FunctionPackage("ingest", code, "c2hh", 2, layer, "bGF5ZXI=", 1)
    spec = FunctionSpec(
        key="ingest",
        package=package,
        settings=FunctionSettings(memory_mb=1024, timeout_seconds=60),
        environment={},
        log_retention_days=14,
        key_arn="arn:aws:kms:eu-west-1:123456789012:key/k",
        snap_start=False,
        tags={},
    )

    def program() -> None:
        parent = pulumi.ComponentResource("test:index:Parent", "parent")
        deploy_function("agent-api", spec, lambda logs: policies.document(), parent)

    # Then the program refuses to upload it inline
    with pytest.raises(LayerNeedsS3Error, match="artifacts bucket"):
        pulumi_mocks.run_function(program)
