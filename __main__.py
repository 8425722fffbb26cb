"""The Doc Agent stack: read the config once, build each component's args, wire them up."""

import os
from collections.abc import Callable
from pathlib import Path

import pulumi

from components.agent_api import AgentApi, AgentApiArgs, StoreRefs, dead_letters
from components.config import load_config, openai_api_key
from components.document_store.component import DocumentStore, DocumentStoreArgs
from components.frontend_site import FrontendSite, FrontendSiteArgs
from components.frontend_site.files import site_files
from components.observability import MonitoredFunction, Observability, ObservabilityArgs
from components.observability.canary import HealthCanary, HealthCanaryArgs, canary_name
from components.tags import stack_tags
from handlers.core.contracts import layout
from lambda_build.lambda_package import FUNCTIONS, ensure_built

config = load_config()
stack = pulumi.get_stack()
tags = stack_tags(stack, config.tags)

# What can fail on this machine (the Lambda builds, the site's build) runs before any
# resource or deferred output exists: an error ends the program at once with its message.
# (After `deferred_output()` it would hang: outputs waiting on the site's origin never
# resolve, and the runtime waits for them before it reports the error.)
# `make site` builds it; the infra tests point DOC_AGENT_SITE_DIR at a generated one.
site_dir = Path(
    os.environ.get("DOC_AGENT_SITE_DIR") or Path(__file__).resolve().parent / "frontend/out"
)
site_files(site_dir)
packages = {function: ensure_built(function) for function in FUNCTIONS}

# The site's origin is known only once its distribution exists, but the bucket's and the
# API's CORS need it: a deferred output breaks the cycle (nothing the site needs waits on it).
site_origin: pulumi.Output[str]
resolve_site_origin: Callable[[pulumi.Output[str]], None]
site_origin, resolve_site_origin = pulumi.deferred_output()
# Any error before the origin resolves must end the program, not leave the runtime
# waiting on outputs that depend on it: resolve it with a placeholder, then re-raise.
try:
    cors_origins = site_origin.apply(lambda origin: [origin, *config.site.allowed_origins])

    store = DocumentStore(
        "store",
        DocumentStoreArgs(
            worker_timeout_seconds=config.functions.ingest.timeout_seconds,
            dead_letter_timeout_seconds=dead_letters.SETTINGS.timeout_seconds,
            cors_origins=cors_origins,
            tags=tags,
            deletion_protection=config.data.deletion_protection,
            backups=config.data.backups,
            backup_retention_days=config.data.backup_retention_days,
            noncurrent_version_days=config.data.noncurrent_version_days,
            abort_incomplete_upload_days=config.data.abort_incomplete_upload_days,
        ),
    )

    api = AgentApi(
        "agent-api",
        AgentApiArgs(
            stack=stack,
            packages=packages,
            store=StoreRefs(
                table_name=store.table_name,
                table_arn=store.table_arn,
                bucket_name=store.bucket_name,
                bucket_arn=store.bucket_arn,
                key_arn=store.key_arn,
                queue_arn=store.queue_arn,
                dlq_arn=store.dlq_arn,
                queue_url=store.queue_url,
            ),
            cors_origins=cors_origins,
            site_origin=site_origin,
            functions=config.functions,
            documents=config.documents,
            llm=config.llm,
            quotas=config.quotas,
            api=config.api,
            auth=config.auth,
            log_retention_days=config.logs.retention_days,
            tags=tags,
            openai_api_key=openai_api_key(),
        ),
    )

    observability = Observability(
        "observability",
        ObservabilityArgs(
            stack=stack,
            functions=[
                MonitoredFunction(
                    key=key,
                    function_name=deployed.function.name,
                    timeout_seconds=deployed.timeout_seconds,
                    log_group_name=deployed.log_group.name,
                )
                for key, deployed in api.functions.items()
            ],
            rest_api_name=api.rest_api_name,
            stage_name=api.stage_name,
            access_log_group_name=api.access_log_group_name,
            ingest_queue_name=store.queue_name,
            ingest_visibility_timeout_seconds=layout.visibility_timeout_seconds(
                config.functions.ingest.timeout_seconds
            ),
            dlq_name=store.dlq_name,
            alarms=config.alarms,
            monthly_budget_usd=config.budget.monthly_limit_usd,
            budget_emails=config.budget_emails,
            tags=tags,
            canary_name=canary_name(stack) if config.canary.enabled else None,
            canary_rate_minutes=config.canary.rate_minutes,
        ),
    )

    cognito = f"https://cognito-idp.{config.region}.amazonaws.com"
    site = FrontendSite(
        "site",
        FrontendSiteArgs(
            site_dir=site_dir,
            # Nothing the distribution uses may wait for the site's origin (it is made from it).
            connect_sources=pulumi.Output.all(api.endpoint_origin, store.bucket_name).apply(
                lambda values: [
                    values[0],
                    cognito,
                    f"https://{values[1]}.s3.{config.region}.amazonaws.com",
                ]
            ),
            runtime_config=pulumi.Output.all(
                api.url, api.user_pool_id, api.user_pool_client_id
            ).apply(
                lambda values: {
                    "apiUrl": values[0],
                    "region": config.region,
                    "userPoolId": values[1],
                    "userPoolClientId": values[2],
                    "cognitoEndpoint": f"{cognito}/",
                    "maxUploadBytes": config.documents.max_upload_mb * 1024 * 1024,
                }
            ),
            tags=tags,
            custom_domain=config.site.custom_domain,
            access_logs=config.site.access_logs,
            disposable_logs=not config.data.deletion_protection,
        ),
    )
except BaseException:
    resolve_site_origin(pulumi.Output.from_input("https://unresolved.invalid"))
    raise
resolve_site_origin(site.origin)

# --- i13-ops: the optional health canary (prod), once the site and the API exist ---------------
if config.canary.enabled:
    HealthCanary(
        "canary",
        HealthCanaryArgs(
            stack=stack,
            settings=config.canary,
            site_url=site.url,
            health_url=api.url.apply(lambda url: f"{url.rstrip('/')}/health"),
            tags=tags,
        ),
    )

pulumi.export("region", config.region)
pulumi.export("apiUrl", api.url)
pulumi.export("userPoolId", api.user_pool_id)
pulumi.export("userPoolClientId", api.user_pool_client_id)
pulumi.export("siteUrl", site.url)
pulumi.export("siteBucket", site.bucket_name)
pulumi.export("siteDistributionId", site.distribution_id)
pulumi.export("documentsBucket", store.bucket_name)
pulumi.export("table", store.table_name)
pulumi.export("ingestQueueUrl", store.queue_url)
pulumi.export("ingestDlqUrl", store.dlq_url)
pulumi.export("alarmTopicArn", observability.topic_arn)
pulumi.export("dashboardName", observability.dashboard_name)
if api.openai_secret_arn is not None:
    pulumi.export("openaiSecretArn", api.openai_secret_arn)
# For the ops commands (ops/rollback.py): each function's name, whose `live` alias moves.
pulumi.export(
    "functionNames", {key: deployed.function.name for key, deployed in api.functions.items()}
)
