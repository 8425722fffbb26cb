"""AgentApi under mocks, for both real stacks: routes, IAM, environment, Cognito, gateway, prod extras."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from components.config import parse_config
from handlers.core.contracts import layout
from handlers.core.contracts.routes import ROUTES, STAGE_NAME
from handlers.core.http.gateway_errors import BY_TYPE, GATEWAY_ERRORS
from handlers.core.runtime.settings import (
    AgentSettings,
    ApiSettings,
    IngestSettings,
    StorageSettings,
)
from lambda_build.lambda_package import ensure_built
from lambda_build.model_files import RERANKER
from policy.doc_agent_guardrails.values import as_list, statements
from tests.infra.program import MockedPulumi, StackRun, stack_config
from tests.infra.pulumi_mocks import Registered
from tests.infra.resources import policy

FUNCTION = "aws:lambda/function:Function"
METHOD = "aws:apigateway/method:Method"
SETTINGS: dict[str, type[StorageSettings]] = {
    "api": ApiSettings,
    "agent": AgentSettings,
    "ingest": IngestSettings,
}


def _function(run: StackRun, key: str) -> Registered:
    return run.named(f"agent-api-{key}")


def _role_policy(run: StackRun, key: str) -> dict[str, Any]:
    return policy(run.named(f"agent-api-{key}-policy"))


def _allowed_actions(doc: dict[str, Any]) -> dict[str, set[str]]:
    """action -> the resources it is allowed on."""
    allowed: dict[str, set[str]] = {}
    for statement in statements(doc):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            allowed.setdefault(action, set()).update(as_list(statement["Resource"]))
    return allowed


def test_every_route_method_is_behind_the_cognito_authorizer(stack: StackRun) -> None:
    (authorizer,) = stack.of_type("aws:apigateway/authorizer:Authorizer")
    (pool,) = stack.of_type("aws:cognito/userPool:UserPool")
    assert authorizer.inputs["type"] == "COGNITO_USER_POOLS"
    assert authorizer.inputs["providerArns"] == [pool.outputs["arn"]]
    methods = [m for m in stack.of_type(METHOD) if m.inputs["httpMethod"] != "OPTIONS"]
    assert len(methods) == sum(len(route.methods) for route in ROUTES)
    public = {("/" + r.path.rsplit("/", 1)[-1], m) for r in ROUTES if r.public for m in r.methods}
    resources = {r.id: r for r in stack.of_type("aws:apigateway/resource:Resource")}
    for method in methods:
        part = "/" + resources[method.inputs["resourceId"]].inputs["pathPart"]
        if (part, method.inputs["httpMethod"]) in public:
            # GET /health: no token, and nothing behind it but reachability checks.
            assert method.inputs["authorization"] == "NONE", method.name
            assert "method.request.header.Authorization" not in method.inputs.get(
                "requestParameters", {}
            )
            continue
        assert method.inputs["authorization"] == "COGNITO_USER_POOLS", method.name
        assert method.inputs["authorizerId"] == authorizer.id
        assert method.inputs["requestParameters"]["method.request.header.Authorization"] is True


def test_each_route_integrates_with_its_function(stack: StackRun) -> None:
    resources = {r.id: r for r in stack.of_type("aws:apigateway/resource:Resource")}
    integrations = [
        i
        for i in stack.of_type("aws:apigateway/integration:Integration")
        if i.inputs["type"] == "AWS_PROXY"
    ]
    prod = stack.stack == "prod"
    seen: set[tuple[str, str]] = set()
    for integration in integrations:
        path_part = resources[integration.inputs["resourceId"]].inputs["pathPart"]
        route = next(
            r
            for r in ROUTES
            if r.path.rsplit("/", 1)[-1] == path_part
            and integration.inputs["httpMethod"] in r.methods
        )
        function = _function(stack, route.function)
        target = f"{function.outputs['arn']}:live" if prod else function.outputs["arn"]
        assert target in integration.inputs["uri"], integration.name
        seen.add((route.path, integration.inputs["httpMethod"]))
    assert seen == {(r.path, m) for r in ROUTES for m in r.methods}


@pytest.mark.parametrize("key", ["api", "agent", "ingest"])
def test_each_role_allows_only_its_own_resources(stack: StackRun, key: str) -> None:
    store = {
        name: stack.named(name).outputs
        for name in ("store-table", "store-documents", "store-key", "store-ingest")
    }
    bucket = store["store-documents"]["arn"]
    secret = stack.named("agent-api-openai-key").outputs["arn"]
    log_group = stack.named(f"agent-api-{key}-logs").outputs["arn"]
    own = {
        store["store-table"]["arn"],
        bucket,
        f"{bucket}/{layout.RAW_PREFIX}*",
        f"{bucket}/{layout.DERIVED_PREFIX}*",
        store["store-key"]["arn"],
        store["store-ingest"]["arn"],
        secret,
        f"{log_group}:*",
    }
    allowed = _allowed_actions(_role_policy(stack, key))
    for action, resources in allowed.items():
        assert "*" not in action.split(":")[1], f"{key}: wildcard action {action}"
        if action.startswith("xray:"):
            continue
        assert resources <= own, f"{key}: {action} on {resources - own}"
        assert "*" not in resources, f"{key}: {action} on *"


def test_roles_differ_by_what_each_function_does(stack: StackRun) -> None:
    api, agent, ingest = (
        _allowed_actions(_role_policy(stack, key)) for key in ("api", "agent", "ingest")
    )
    assert "secretsmanager:GetSecretValue" not in api
    assert "secretsmanager:GetSecretValue" in agent
    assert "secretsmanager:GetSecretValue" in ingest
    assert not any(action.startswith("sqs:") for action in api | agent)
    # The SQS event-source mapping's calls (AWSLambdaSQSQueueExecutionRole), nothing more:
    # no handler changes a message's visibility.
    queue = stack.named("store-ingest").outputs["arn"]
    assert {a: r for a, r in ingest.items() if a.startswith("sqs:")} == {
        "sqs:ReceiveMessage": {queue},
        "sqs:DeleteMessage": {queue},
        "sqs:GetQueueAttributes": {queue},
    }
    assert not {"s3:PutObject", "s3:DeleteObject"} & agent.keys()
    # TransactWriteItems is authorised per item: the message Put and the conversation Update.
    assert {"dynamodb:PutItem", "dynamodb:UpdateItem"} <= agent.keys()
    assert "dynamodb:ConditionCheckItem" not in agent
    assert "dynamodb:DeleteItem" not in ingest
    bucket = stack.named("store-documents").outputs["arn"]
    assert ingest["s3:PutObject"] == {f"{bucket}/{layout.DERIVED_PREFIX}*"}
    assert api["s3:PutObject"] == {f"{bucket}/{layout.RAW_PREFIX}*"}
    # `DocumentFiles.delete_document_objects` (api: DELETE; ingest: an upload whose
    # document is gone) lists object versions, then deletes them by version id.
    files = {f"{bucket}/{layout.RAW_PREFIX}*", f"{bucket}/{layout.DERIVED_PREFIX}*"}
    for role in (api, ingest):
        assert role["s3:ListBucketVersions"] == {bucket}
        assert role["s3:DeleteObjectVersion"] == files
        assert role["s3:DeleteObject"] == files


@pytest.mark.parametrize("key", ["api", "agent", "ingest"])
def test_environment_builds_the_handlers_settings(stack: StackRun, key: str) -> None:
    env = _function(stack, key).inputs["environment"]["variables"]
    settings = SETTINGS[key].from_env(env)
    assert settings.table_name == stack.named("store-table").outputs["name"]
    assert settings.bucket_name == stack.named("store-documents").outputs["bucket"]
    assert env["POWERTOOLS_SERVICE_NAME"] == key
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == f"DocAgent/{stack.stack}"
    config = parse_config(stack_config(stack.stack))
    if key in ("agent", "ingest"):
        assert env["LLM_PROVIDER"] == config.llm.provider
        assert env["OPENAI_SECRET_ARN"] == stack.named("agent-api-openai-key").outputs["arn"]
        assert int(env["EMBEDDING_DIMENSIONS"]) == config.llm.embedding_dimensions


@pytest.mark.parametrize("key", ["api", "agent", "ingest"])
def test_functions_are_arm64_traced_and_log_json_to_their_own_group(
    stack: StackRun, key: str
) -> None:
    config = parse_config(stack_config(stack.stack))
    function = _function(stack, key)
    settings = getattr(config.functions, key)
    inputs = function.inputs
    assert inputs["runtime"] == "python3.13"
    assert inputs["architectures"] == ["arm64"]
    assert inputs["handler"] == f"handlers.{key}.lambda_handler"
    assert inputs["tracingConfig"] == {"mode": "Active"}
    assert inputs["memorySize"] == settings.memory_mb
    assert inputs["timeout"] == settings.timeout_seconds
    assert inputs["reservedConcurrentExecutions"] == (settings.reserved_concurrency or -1)
    log_group = stack.named(f"agent-api-{key}-logs")
    assert inputs["loggingConfig"]["logFormat"] == "JSON"
    assert inputs["loggingConfig"]["logGroup"] == log_group.outputs["name"]
    assert log_group.inputs["retentionInDays"] == config.logs.retention_days
    assert log_group.inputs["kmsKeyId"] == stack.named("store-key").outputs["arn"]
    (layer,) = [
        lv
        for lv in stack.of_type("aws:lambda/layerVersion:LayerVersion")
        if lv.name == f"agent-api-{key}-deps"
    ]
    assert inputs["layers"] == [layer.outputs["arn"]]
    assert layer.inputs["compatibleArchitectures"] == ["arm64"]


def test_ingest_is_fed_by_the_queue_with_partial_batch_failures(stack: StackRun) -> None:
    mapping = stack.named("agent-api-ingest-trigger")
    assert mapping.inputs["eventSourceArn"] == stack.named("store-ingest").outputs["arn"]
    assert mapping.inputs["functionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping.inputs["batchSize"] == layout.INGEST_BATCH_SIZE
    assert _function(stack, "ingest").outputs["arn"] in mapping.inputs["functionName"]


def test_user_pool_and_site_client(stack: StackRun) -> None:
    config = parse_config(stack_config(stack.stack))
    (pool,) = stack.of_type("aws:cognito/userPool:UserPool")
    assert pool.inputs["usernameAttributes"] == ["email"]
    assert pool.inputs["usernameConfiguration"] == {"caseSensitive": False}
    assert pool.inputs["passwordPolicy"] == {
        "minimumLength": 12,
        "requireLowercase": True,
        "requireUppercase": True,
        "requireNumbers": True,
        "requireSymbols": True,
        "temporaryPasswordValidityDays": 3,
    }
    assert pool.inputs["mfaConfiguration"] == config.auth.mfa
    assert pool.inputs["deletionProtection"] == ("ACTIVE" if stack.stack == "prod" else "INACTIVE")
    (client,) = stack.of_type("aws:cognito/userPoolClient:UserPoolClient")
    assert client.inputs["generateSecret"] is False
    assert set(client.inputs["explicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert client.inputs["idTokenValidity"] == config.auth.id_token_minutes
    assert client.inputs["refreshTokenValidity"] == config.auth.refresh_token_days


def test_stage_logs_traces_and_throttles(stack: StackRun) -> None:
    config = parse_config(stack_config(stack.stack))
    (stage,) = stack.of_type("aws:apigateway/stage:Stage")
    assert stage.inputs["stageName"] == STAGE_NAME
    assert stage.inputs["xrayTracingEnabled"] is True
    access_logs = stack.named("agent-api-access-logs")
    assert stage.inputs["accessLogSettings"]["destinationArn"] == access_logs.outputs["arn"]
    assert json.loads(stage.inputs["accessLogSettings"]["format"])["status"] == "$context.status"
    (settings,) = stack.of_type("aws:apigateway/methodSettings:MethodSettings")
    assert settings.inputs["settings"]["throttlingRateLimit"] == config.api.throttle_rate_limit
    assert settings.inputs["settings"]["throttlingBurstLimit"] == config.api.throttle_burst_limit
    # No method requires an API key, so a usage plan would do nothing.
    assert stack.of_type("aws:apigateway/usagePlan:UsagePlan") == []


def test_cors_allows_only_the_site_origins(stack: StackRun) -> None:
    config = parse_config(stack_config(stack.stack))
    origins = stack.named("store-documents-cors").inputs["corsRules"][0]["allowedOrigins"]
    assert set(config.site.allowed_origins) <= set(origins)
    templates = [
        r.inputs["responseTemplates"]["application/json"]
        for r in stack.of_type("aws:apigateway/integrationResponse:IntegrationResponse")
    ]
    assert len(templates) == len({r.path for r in ROUTES})
    for template in templates:
        allowed = json.loads(template.split("#set($allowed = ")[1].split(")\n")[0])
        assert allowed == origins
    for response in stack.of_type("aws:apigateway/response:Response"):
        header = response.inputs["responseParameters"][
            "gatewayresponse.header.Access-Control-Allow-Origin"
        ]
        assert header.strip("'") in origins
    assert {
        r.inputs["responseType"] for r in stack.of_type("aws:apigateway/response:Response")
    } == {error.response_type for error in GATEWAY_ERRORS}
    for response in stack.of_type("aws:apigateway/response:Response"):
        # The API's one error shape, not API Gateway's {"message": ...}
        body = json.loads(response.inputs["responseTemplates"]["application/json"])
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message"}
        assert response.inputs["statusCode"] == str(BY_TYPE[response.inputs["responseType"]].status)
    for key in ("api", "agent"):
        env = _function(stack, key).inputs["environment"]["variables"]
        assert env["ALLOWED_ORIGINS"].split(",") == origins


def test_prod_pays_for_waf_snapstart_and_aliases_dev_does_not(stack: StackRun) -> None:
    prod = stack.stack == "prod"
    acls = stack.of_type("aws:wafv2/webAcl:WebAcl")
    aliases = stack.of_type("aws:lambda/alias:Alias")
    assert len(acls) == (1 if prod else 0)
    # api, agent, ingest and dead_letters
    assert len(aliases) == (4 if prod else 0)
    for key in ("api", "agent", "ingest"):
        inputs = _function(stack, key).inputs
        assert bool(inputs.get("publish")) is prod
        assert (inputs.get("snapStart") or {}).get("applyOn") == (
            "PublishedVersions" if prod else None
        )
    if prod:
        (acl,) = acls
        rules = {rule["name"]: rule for rule in acl.inputs["rules"]}
        assert "AWSManagedRulesCommonRuleSet" in rules
        config = parse_config(stack_config("prod"))
        assert (
            rules["rate-limit-per-ip"]["statement"]["rateBasedStatement"]["limit"]
            == config.api.waf_rate_limit
        )
        (association,) = stack.of_type("aws:wafv2/webAclAssociation:WebAclAssociation")
        (stage,) = stack.of_type("aws:apigateway/stage:Stage")
        assert association.inputs["resourceArn"] == stage.outputs["arn"]


def test_the_openai_key_goes_to_secrets_manager_never_to_the_environment(
    pulumi_mocks: MockedPulumi,
) -> None:
    config = stack_config("dev") | {"doc-agent:openaiApiKey": "sk-test-not-a-real-key"}
    run = pulumi_mocks.run("dev", config, secret_keys=["doc-agent:openaiApiKey"])
    (version,) = run.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    # A secret input reaches the engine wrapped (and so encrypted in the state), never as plain text.
    secret_string = version.inputs["secretString"]
    assert isinstance(secret_string, dict)
    assert secret_string["value"] == "sk-test-not-a-real-key"
    assert "4dabf18193072939515e22adb298388d" in secret_string
    (secret,) = run.of_type("aws:secretsmanager/secret:Secret")
    assert secret.inputs["kmsKeyId"] == run.named("store-key").outputs["arn"]
    for key in ("api", "agent", "ingest"):
        assert "sk-test" not in json.dumps(_function(run, key).inputs["environment"])


def test_offline_stacks_have_no_secret(pulumi_mocks: MockedPulumi) -> None:
    config = stack_config("dev") | {"doc-agent:llm": json.dumps({"provider": "offline"})}
    run = pulumi_mocks.run("dev", config)
    assert run.of_type("aws:secretsmanager/secret:Secret") == []
    env = _function(run, "agent").inputs["environment"]["variables"]
    assert AgentSettings.from_env(env).llm_provider == "offline"
    assert "secretsmanager:GetSecretValue" not in _allowed_actions(_role_policy(run, "agent"))


def test_the_agent_reranks_with_the_model_its_layer_carries(stack: StackRun) -> None:
    # Given each stack's config (the reranker is on unless a stack turns it off)
    variables = {key: _function(stack, key).inputs["environment"]["variables"] for key in SETTINGS}

    # Then the agent is pointed at the model under /opt, where Lambda unpacks its layer
    model_dir = variables["agent"]["RERANKER_MODEL_DIR"]
    assert model_dir == "/opt/models/ms-marco-MiniLM-L-12-v2-int8"
    assert AgentSettings.from_env(variables["agent"]).reranker_model_dir == Path(model_dir)
    assert "RERANKER_MODEL_DIR" not in variables["api"]
    assert "RERANKER_MODEL_DIR" not in variables["ingest"]
    # And the layer deployed with it (the one the program built) holds the files there
    package = ensure_built("agent")
    assert stack.named("agent-api-agent-deps").inputs["sourceCodeHash"] == package.layer_sha256
    with zipfile.ZipFile(package.layer_archive) as layer:
        names = set(layer.namelist())
    in_layer = model_dir.removeprefix("/opt/")
    assert {f"{in_layer}/{name}" for name in RERANKER.shipped} <= names


def test_a_stack_can_turn_the_reranker_off(pulumi_mocks: MockedPulumi) -> None:
    config = stack_config("dev")
    functions = json.loads(config["doc-agent:functions"])
    functions["agent"]["reranker"] = False
    run = pulumi_mocks.run("dev", config | {"doc-agent:functions": json.dumps(functions)})
    env = _function(run, "agent").inputs["environment"]["variables"]
    assert "RERANKER_MODEL_DIR" not in env
    assert AgentSettings.from_env(env).reranker_model_dir is None
