"""AgentApi: the three functions, who may call them (Cognito) and how (API Gateway)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi_aws import apigateway, lambda_

from components import policies
from components.agent_api import environment, permissions
from components.agent_api.dead_letters import DeadLetterArgs, create_dead_letter_consumer
from components.agent_api.firewall import create_firewall
from components.agent_api.functions import DeployedFunction, FunctionSpec, deploy_function
from components.agent_api.gateway import GatewayArgs, create_gateway
from components.agent_api.sweeper import SweeperArgs, create_sweeper
from components.agent_api.user_pool import create_user_pool
from components.config import (
    ApiConfig,
    AuthSettings,
    DocumentSettings,
    FunctionsSettings,
    LlmConfig,
    QuotaSettings,
)
from components.private_bucket import bucket_policy, private_bucket
from components.tags import component_tags
from handlers.core.contracts import layout
from lambda_build.lambda_package import FunctionPackage
from lambda_build.layer_models import runtime_dir
from lambda_build.model_files import RERANKER


@dataclass(frozen=True)
class StoreRefs:
    """What AgentApi needs of the DocumentStore."""

    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]
    bucket_name: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    key_arn: pulumi.Input[str]
    queue_arn: pulumi.Input[str]
    dlq_arn: pulumi.Input[str]
    queue_url: pulumi.Input[str] | None = None
    """Where the sweeper re-enqueues stuck uploads; None: no sweeper."""


@dataclass(frozen=True)
class AgentApiArgs:
    stack: str
    packages: Mapping[str, FunctionPackage]
    """The built code archive and dependency layer of each function (api, agent, ingest)."""
    store: StoreRefs
    cors_origins: pulumi.Input[Sequence[str]]
    """Origins allowed to call the API from a browser."""
    site_origin: pulumi.Input[str]
    """The site's own origin: the one error responses from the gateway name."""
    functions: FunctionsSettings
    documents: DocumentSettings
    llm: LlmConfig
    quotas: QuotaSettings
    api: ApiConfig
    auth: AuthSettings
    log_retention_days: int
    tags: Mapping[str, str]
    openai_api_key: pulumi.Input[str] | None = None
    """The key's value when given as a Pulumi secret; otherwise set it in Secrets Manager later."""


class AgentApi(pulumi.ComponentResource):
    url: pulumi.Output[str]
    """The stage URL the site calls, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/api."""
    endpoint_origin: pulumi.Output[str]
    """https://{api id}.execute-api.{region}.amazonaws.com — known before the stage exists."""
    rest_api_name: pulumi.Output[str]
    stage_name: pulumi.Output[str]
    user_pool_id: pulumi.Output[str]
    user_pool_client_id: pulumi.Output[str]
    openai_secret_arn: pulumi.Output[str] | None
    functions: dict[str, DeployedFunction]
    access_log_group_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: AgentApiArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("doc-agent:index:AgentApi", name, None, opts)
        self._name = name
        self._args = args
        self._tags = component_tags(args.tags, "agent-api")
        child = pulumi.ResourceOptions(parent=self)

        secret = self._create_secret() if args.llm.provider == "openai" else None
        secret_arn = secret.arn if secret else None
        self._artifacts = self._create_artifacts_bucket()
        self.functions = self._create_functions(secret_arn)
        self._create_ingest_trigger(self.functions["ingest"])
        self.functions["dead_letters"] = self._create_dead_letter_consumer()
        # --- i13-ops: the self-healing sweeper (components/agent_api/sweeper.py) ---------------
        if "sweeper" in args.packages and args.store.queue_url is not None:
            self.functions["sweeper"] = self._create_sweeper()
        users = create_user_pool(name, args.auth, self._tags, self)

        access_logs = aws.cloudwatch.LogGroup(
            f"{name}-access-logs",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.store.key_arn,
            tags=self._tags,
            opts=child,
        )
        self._gateway_account: apigateway.Account | None = None
        if args.api.owns_gateway_account(args.stack):
            self._enable_gateway_logging()
        gateway = create_gateway(
            name,
            GatewayArgs(
                functions=self.functions,
                user_pool_arn=users.pool.arn,
                cors_origins=args.cors_origins,
                site_origin=args.site_origin,
                access_log_group_arn=access_logs.arn,
                api=args.api,
                tags=self._tags,
                log_retention_days=args.log_retention_days,
                log_key_arn=args.store.key_arn,
                logging_ready=[self._gateway_account] if self._gateway_account else [],
            ),
            self,
        )
        if args.api.waf:
            create_firewall(name, gateway.stage.arn, args.api.waf_rate_limit, self._tags, self)

        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        self.url = gateway.stage.invoke_url
        self.endpoint_origin = pulumi.Output.concat(
            "https://", gateway.rest_api.id, ".execute-api.", region, ".amazonaws.com"
        )
        self.rest_api_name = gateway.rest_api.name
        self.stage_name = gateway.stage.stage_name
        self.user_pool_id = users.pool.id
        self.user_pool_client_id = users.client.id
        self.openai_secret_arn = secret_arn
        self.access_log_group_name = access_logs.name
        self.register_outputs(
            {
                "url": self.url,
                "user_pool_id": self.user_pool_id,
                "user_pool_client_id": self.user_pool_client_id,
                "openai_secret_arn": secret_arn,
            }
        )

    def _create_secret(self) -> aws.secretsmanager.Secret:
        secret = aws.secretsmanager.Secret(
            f"{self._name}-openai-key",
            description="OpenAI API key of the agent and ingest functions",
            kms_key_id=self._args.store.key_arn,
            recovery_window_in_days=7,
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        if self._args.openai_api_key is not None:
            aws.secretsmanager.SecretVersion(
                f"{self._name}-openai-key-value",
                secret_id=secret.id,
                secret_string=self._args.openai_api_key,
                opts=pulumi.ResourceOptions(parent=self),
            )
        return secret

    def _create_artifacts_bucket(self) -> aws.s3.Bucket | None:
        """Where layers too big to upload inline go first; only when one is."""
        if not any(package.layer_needs_s3_upload for package in self._args.packages.values()):
            return None
        child = pulumi.ResourceOptions(parent=self)
        # Build outputs, rebuilt from the repository at will: nothing to keep on destroy.
        bucket = private_bucket(
            f"{self._name}-artifacts", tags=self._tags, opts=child, force_destroy=True
        )
        bucket_policy(f"{self._name}-artifacts", bucket, opts=child)
        return bucket

    def _store_access(self) -> permissions.StoreAccess:
        store = self._args.store
        return permissions.StoreAccess(
            table_arn=store.table_arn,
            bucket_arn=store.bucket_arn,
            key_arn=store.key_arn,
            queue_arn=store.queue_arn,
        )

    def _create_functions(
        self, secret_arn: pulumi.Output[str] | None
    ) -> dict[str, DeployedFunction]:
        args = self._args
        store = args.store
        runtime = environment.RuntimeSettings(
            stack=args.stack,
            table_name=store.table_name,
            bucket_name=store.bucket_name,
            allowed_origins=args.cors_origins,
            documents=args.documents,
            llm=args.llm,
            quotas=args.quotas,
            secret_arn=secret_arn,
            # The agent's layer carries the model either way (lambda_build/layer_models.py).
            reranker_model_dir=runtime_dir(RERANKER) if args.functions.agent.reranker else None,
        )
        access = self._store_access()
        plans = {
            "api": (
                environment.api_environment(runtime),
                lambda logs: permissions.api_policy(access, logs, secret_arn),
            ),
            "agent": (
                environment.agent_environment(runtime),
                lambda logs: permissions.agent_policy(access, logs, secret_arn),
            ),
            "ingest": (
                environment.ingest_environment(runtime),
                lambda logs: permissions.ingest_policy(access, logs, secret_arn),
            ),
        }
        deployed = {}
        for key, (env, policy) in plans.items():
            spec = FunctionSpec(
                key=key,
                package=args.packages[key],
                settings=getattr(args.functions, key),
                environment=env,
                log_retention_days=args.log_retention_days,
                key_arn=store.key_arn,
                snap_start=args.functions.snap_start,
                tags=self._tags,
                artifacts_bucket=self._artifacts.bucket if self._artifacts else None,
            )
            deployed[key] = deploy_function(self._name, spec, policy, self)
        return deployed

    def _create_sweeper(self) -> DeployedFunction:
        args = self._args
        store = args.store
        assert store.queue_url is not None
        return create_sweeper(
            self._name,
            SweeperArgs(
                stack=args.stack,
                package=args.packages["sweeper"],
                access=self._store_access(),
                table_name=store.table_name,
                bucket_name=store.bucket_name,
                queue_url=store.queue_url,
                upload_url_ttl_seconds=args.documents.upload_url_ttl_seconds,
                ingest_timeout_seconds=args.functions.ingest.timeout_seconds,
                log_retention_days=args.log_retention_days,
                tags=self._tags,
                artifacts_bucket=self._artifacts.bucket if self._artifacts else None,
            ),
            self,
        )

    def _create_ingest_trigger(self, ingest: DeployedFunction) -> None:
        maximum = self._args.functions.ingest.max_concurrency
        lambda_.EventSourceMapping(
            f"{self._name}-ingest-trigger",
            event_source_arn=self._args.store.queue_arn,
            function_name=ingest.target_arn,
            batch_size=layout.INGEST_BATCH_SIZE,
            maximum_batching_window_in_seconds=layout.INGEST_BATCH_WINDOW_SECONDS,
            # A failed record is retried alone; the rest of the batch is acknowledged.
            function_response_types=["ReportBatchItemFailures"],
            # Caps the poller instead of throttling: no batch goes back to the queue.
            scaling_config=lambda_.EventSourceMappingScalingConfigArgs(maximum_concurrency=maximum)
            if maximum is not None
            else None,
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_dead_letter_consumer(self) -> DeployedFunction:
        """Marks the documents of dead-lettered ingest messages FAILED (`dead_letters.py`)."""
        args = self._args
        store = args.store
        return create_dead_letter_consumer(
            self._name,
            DeadLetterArgs(
                stack=args.stack,
                package=args.packages["dead_letters"],
                access=self._store_access(),
                dlq_arn=store.dlq_arn,
                table_name=store.table_name,
                bucket_name=store.bucket_name,
                key_arn=store.key_arn,
                log_retention_days=args.log_retention_days,
                snap_start=args.functions.snap_start,
                tags=self._tags,
            ),
            self,
        )

    def _enable_gateway_logging(self) -> None:
        """API Gateway's CloudWatch role: one setting per account and region, for every stack.

        Only the owning stack (`api.manageGatewayAccount`, default prod) declares it, with
        `retain_on_delete`: destroying another stack, or this one, leaves the setting (and
        the role it names) in place for the others' execution logging.
        """
        retain = pulumi.ResourceOptions(parent=self, retain_on_delete=True)
        role = aws.iam.Role(
            f"{self._name}-gateway-logs-role",
            assume_role_policy=policies.assume_role_policy("apigateway.amazonaws.com"),
            tags=self._tags,
            opts=retain,
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{self._name}-gateway-logs-policy",
            role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
            opts=retain,
        )
        self._gateway_account = apigateway.Account(
            f"{self._name}-gateway-account",
            apigateway.AccountArgs(cloudwatch_role_arn=role.arn),
            opts=pulumi.ResourceOptions.merge(
                retain, pulumi.ResourceOptions(depends_on=[attachment])
            ),
        )
