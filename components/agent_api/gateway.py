"""The REST API: one resource per route path, every method behind the Cognito authorizer
(but the public `GET /health`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi_aws import apigateway

from components.agent_api import cors
from components.agent_api.functions import DeployedFunction
from components.agent_api.gateway_responses import (
    create_gateway_responses,
    gateway_responses_fingerprint,
)
from components.config import ApiConfig
from handlers.core.contracts.routes import ROUTES, STAGE_NAME, Route

# One JSON line per request; the fields an operator filters on.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "extendedRequestId": "$context.extendedRequestId",
        "ip": "$context.identity.sourceIp",
        "userAgent": "$context.identity.userAgent",
        "user": "$context.authorizer.claims.sub",
        "method": "$context.httpMethod",
        "resource": "$context.resourcePath",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "latencyMs": "$context.responseLatency",
        "integrationLatencyMs": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
        "error": "$context.error.message",
        "xrayTraceId": "$context.xrayTraceId",
        "requestTime": "$context.requestTime",
    },
    separators=(",", ":"),
)


@dataclass(frozen=True)
class GatewayArgs:
    functions: Mapping[str, DeployedFunction]
    user_pool_arn: pulumi.Input[str]
    cors_origins: pulumi.Input[Sequence[str]]
    site_origin: pulumi.Input[str]
    access_log_group_arn: pulumi.Input[str]
    api: ApiConfig
    tags: dict[str, str]
    log_retention_days: int
    """Retention of the stage's execution log group (as every other log group's)."""
    log_key_arn: pulumi.Input[str]
    """Encrypts the execution log group."""
    logging_ready: Sequence[pulumi.Resource] = ()
    """The account's CloudWatch role setting when this stack owns it: logging waits for it."""


@dataclass(frozen=True)
class Gateway:
    rest_api: aws.apigateway.RestApi
    stage: aws.apigateway.Stage


class _Builder:
    def __init__(self, name: str, args: GatewayArgs, parent: pulumi.Resource) -> None:
        self.name = name
        self.args = args
        self.child = pulumi.ResourceOptions(parent=parent)
        self.parent = parent
        self.rest_api = aws.apigateway.RestApi(
            f"{name}-rest-api",
            description="Doc Agent: documents and conversations",
            endpoint_configuration={"types": "REGIONAL"},
            tags=args.tags,
            opts=self.child,
        )
        self.authorizer = aws.apigateway.Authorizer(
            f"{name}-authorizer",
            rest_api=self.rest_api.id,
            type="COGNITO_USER_POOLS",
            provider_arns=[args.user_pool_arn],
            identity_source="method.request.header.Authorization",
            opts=self.child,
        )
        self.validator = aws.apigateway.RequestValidator(
            f"{name}-validator",
            rest_api=self.rest_api.id,
            validate_request_parameters=True,
            # Bodies are validated by the handlers' models, which also document them (OpenAPI).
            validate_request_body=False,
            opts=self.child,
        )
        self.resources: dict[str, aws.apigateway.Resource] = {}
        self.deployment_inputs: list[pulumi.Resource] = []
        # Everything the deployment's snapshot depends on: a change to any of it must
        # redeploy the stage, or the stage keeps serving the old snapshot.
        self.fingerprint: list[pulumi.Input[Any]] = [
            args.user_pool_arn,
            self.authorizer.id,
            self.validator.validate_request_parameters,
            self.validator.validate_request_body,
        ]

    def resource(self, path: str) -> pulumi.Input[str]:
        if path == "":
            root: pulumi.Output[str] = self.rest_api.root_resource_id
            return root
        if path not in self.resources:
            parent_path, _, part = path.rpartition("/")
            slug = path.strip("/").replace("/", "-").replace("{", "").replace("}", "")
            self.resources[path] = aws.apigateway.Resource(
                f"{self.name}-{slug}",
                rest_api=self.rest_api.id,
                parent_id=self.resource(parent_path),
                path_part=part,
                opts=self.child,
            )
        resource_id: pulumi.Output[str] = self.resources[path].id
        return resource_id

    def route(self, route: Route) -> None:
        resource_id = self.resource(route.path)
        function = self.args.functions[route.function]
        slug = route.path.strip("/").replace("/", "-").replace("{", "").replace("}", "")
        # A public route (GET /health) has no authorizer, so it needs no token either.
        token = {} if route.public else {"method.request.header.Authorization": True}
        parameters = token | {f"method.request.path.{name}": True for name in route.path_parameters}
        for http_method in route.methods:
            method = aws.apigateway.Method(
                f"{self.name}-{slug}-{http_method.lower()}",
                rest_api=self.rest_api.id,
                resource_id=resource_id,
                http_method=http_method,
                authorization="NONE" if route.public else "COGNITO_USER_POOLS",
                authorizer_id=None if route.public else self.authorizer.id,
                operation_name=route.operation if route.public else None,
                request_validator_id=self.validator.id,
                request_parameters=parameters,
                opts=self.child,
            )
            self.fingerprint.append(
                [slug, http_method, method.authorization, method.request_parameters]
            )
            integration = aws.apigateway.Integration(
                f"{self.name}-{slug}-{http_method.lower()}-integration",
                rest_api=self.rest_api.id,
                resource_id=resource_id,
                http_method=method.http_method,
                type="AWS_PROXY",
                integration_http_method="POST",
                uri=function.invoke_arn,
                opts=self.child,
            )
            self.deployment_inputs += [method, integration]
        self._preflight(slug, resource_id, route.methods)

    def _preflight(self, slug: str, resource_id: pulumi.Input[str], methods: Sequence[str]) -> None:
        headers = cors.preflight_headers(methods)
        declared = dict.fromkeys(headers, False) | {
            "method.response.header.Access-Control-Allow-Origin": False
        }
        method = aws.apigateway.Method(
            f"{self.name}-{slug}-options",
            rest_api=self.rest_api.id,
            resource_id=resource_id,
            http_method="OPTIONS",
            # Browsers send preflights without credentials.
            authorization="NONE",
            opts=self.child,
        )
        integration = aws.apigateway.Integration(
            f"{self.name}-{slug}-options-integration",
            rest_api=self.rest_api.id,
            resource_id=resource_id,
            http_method=method.http_method,
            type="MOCK",
            request_templates={"application/json": '{"statusCode": 200}'},
            opts=self.child,
        )
        method_response = aws.apigateway.MethodResponse(
            f"{self.name}-{slug}-options-response",
            rest_api=self.rest_api.id,
            resource_id=resource_id,
            http_method=method.http_method,
            status_code="200",
            response_parameters=declared,
            opts=self.child,
        )
        integration_response = aws.apigateway.IntegrationResponse(
            f"{self.name}-{slug}-options-integration-response",
            rest_api=self.rest_api.id,
            resource_id=resource_id,
            http_method=method.http_method,
            status_code="200",
            response_parameters=headers,
            response_templates=pulumi.Output.from_input(self.args.cors_origins).apply(
                lambda origins: {"application/json": cors.preflight_template(origins)}
            ),
            opts=pulumi.ResourceOptions(
                parent=self.parent, depends_on=[integration, method_response]
            ),
        )
        self.deployment_inputs += [method, integration, method_response, integration_response]

    def gateway_responses(self) -> None:
        self.deployment_inputs += create_gateway_responses(
            self.name, self.rest_api.id, self.args.site_origin, self.child
        )
        # A changed gateway response, too, reaches clients only with a new deployment.
        self.fingerprint.append(gateway_responses_fingerprint())

    def permissions(self) -> None:
        source_arn = pulumi.Output.concat(self.rest_api.execution_arn, "/*/*")
        for key in dict.fromkeys(route.function for route in ROUTES):
            function = self.args.functions[key]
            aws.lambda_.Permission(
                f"{self.name}-{key}-invoke",
                action="lambda:InvokeFunction",
                function=function.function.name,
                qualifier=function.alias.name if function.alias else None,
                principal="apigateway.amazonaws.com",
                source_arn=source_arn,
                opts=self.child,
            )

    def stage(self) -> aws.apigateway.Stage:
        api = self.args.api
        # Redeploy when the routes, origins, integration targets, authorizer, validation or
        # method parameters change: a deployment is a snapshot, and the stage keeps serving
        # the old one (a replaced user pool: every request 401) until it is redeployed.
        fingerprint = pulumi.Output.all(
            [f"{r.function} {r.path} {','.join(r.methods)}" for r in ROUTES],
            self.args.cors_origins,
            self.args.site_origin,
            # Only the functions behind routes (not ingest's or the sweeper's triggers).
            *[
                f.invoke_arn
                for f in self.args.functions.values()
                if f.key in {r.function for r in ROUTES}
            ],
            *self.fingerprint,
        ).apply(lambda parts: hashlib.sha256(json.dumps(parts).encode()).hexdigest())
        deployment = aws.apigateway.Deployment(
            f"{self.name}-deployment",
            rest_api=self.rest_api.id,
            triggers={"redeployment": fingerprint},
            opts=pulumi.ResourceOptions(parent=self.parent, depends_on=self.deployment_inputs),
        )
        # Logging needs the account's CloudWatch role first, or AWS refuses the stage; and
        # the execution log group exists before API Gateway would create its own
        # (unencrypted, never expiring).
        logging_ready = pulumi.ResourceOptions(
            parent=self.parent,
            depends_on=[*self.args.logging_ready, self.execution_log_group()],
        )
        stage = aws.apigateway.Stage(
            f"{self.name}-stage",
            apigateway.StageArgs(
                rest_api=self.rest_api.id,
                deployment=deployment.id,
                stage_name=STAGE_NAME,
                xray_tracing_enabled=True,
                access_log_settings=apigateway.StageAccessLogSettingsArgs(
                    destination_arn=self.args.access_log_group_arn, format=ACCESS_LOG_FORMAT
                ),
                tags=self.args.tags,
            ),
            opts=logging_ready,
        )
        # Stage-wide throttling lives here; there is no usage plan (no method takes API keys).
        aws.apigateway.MethodSettings(
            f"{self.name}-method-settings",
            apigateway.MethodSettingsArgs(
                rest_api=self.rest_api.id,
                stage_name=stage.stage_name,
                method_path="*/*",
                settings=apigateway.MethodSettingsSettingsArgs(
                    metrics_enabled=True,
                    logging_level="ERROR",
                    data_trace_enabled=False,
                    throttling_rate_limit=api.throttle_rate_limit,
                    throttling_burst_limit=api.throttle_burst_limit,
                ),
            ),
            opts=logging_ready,
        )
        return stage

    def execution_log_group(self) -> aws.cloudwatch.LogGroup:
        """The group API Gateway writes execution logs to, declared with our retention and key."""
        return aws.cloudwatch.LogGroup(
            f"{self.name}-execution-logs",
            aws.cloudwatch.LogGroupArgs(
                name=execution_log_group_name(self.rest_api.id),
                retention_in_days=self.args.log_retention_days,
                kms_key_id=self.args.log_key_arn,
                tags=self.args.tags,
            ),
            opts=self.child,
        )


def execution_log_group_name(rest_api_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """API Gateway's fixed name for a stage's execution logs."""
    return pulumi.Output.concat("API-Gateway-Execution-Logs_", rest_api_id, "/", STAGE_NAME)


def create_gateway(name: str, args: GatewayArgs, parent: pulumi.Resource) -> Gateway:
    builder = _Builder(name, args, parent)
    for route in ROUTES:
        builder.route(route)
    builder.gateway_responses()
    builder.permissions()
    stage = builder.stage()
    return Gateway(rest_api=builder.rest_api, stage=stage)
