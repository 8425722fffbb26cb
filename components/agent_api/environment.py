"""Each function's environment variables: what `handlers/core/runtime/settings.py` parses.

A test builds every handler's settings model from the environment declared here, so a
variable renamed on one side fails the build rather than the first cold start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from components.config import DocumentSettings, LlmConfig, QuotaSettings
from components.release import release_version
from handlers.core.contracts import metric_names

Environment = dict[str, pulumi.Input[str]]


@dataclass(frozen=True)
class RuntimeSettings:
    stack: str
    table_name: pulumi.Input[str]
    bucket_name: pulumi.Input[str]
    allowed_origins: pulumi.Input[Sequence[str]]
    documents: DocumentSettings
    llm: LlmConfig
    quotas: QuotaSettings
    secret_arn: pulumi.Input[str] | None
    """The OpenAI key's secret; None when the stack runs the offline provider."""
    reranker_model_dir: str | None = None
    """Where the agent reads its reranker's model (in its layer); None: no reranking."""


def _common(function: str, settings: RuntimeSettings) -> Environment:
    return {
        "POWERTOOLS_SERVICE_NAME": function,
        "POWERTOOLS_METRICS_NAMESPACE": metric_names.namespace(settings.stack),
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "TABLE_NAME": settings.table_name,
        "BUCKET_NAME": settings.bucket_name,
    }


def _origins(settings: RuntimeSettings) -> pulumi.Output[str]:
    return pulumi.Output.from_input(settings.allowed_origins).apply(lambda items: ",".join(items))


def _llm(settings: RuntimeSettings) -> Environment:
    llm = settings.llm
    env: Environment = {
        "LLM_PROVIDER": llm.provider,
        "OPENAI_MODEL": llm.chat_model,
        "EMBEDDING_MODEL": llm.embedding_model,
        "EMBEDDING_DIMENSIONS": str(llm.embedding_dimensions),
        "LLM_TIMEOUT_SECONDS": str(llm.timeout_seconds),
        "LLM_MAX_RETRIES": str(llm.max_retries),
    }
    if settings.secret_arn is not None:
        env["OPENAI_SECRET_ARN"] = settings.secret_arn
    if llm.base_url:
        env["OPENAI_BASE_URL"] = llm.base_url
    return env


def api_environment(settings: RuntimeSettings) -> Environment:
    documents = settings.documents
    return {
        **_common("api", settings),
        "MAX_UPLOAD_BYTES": str(documents.max_upload_mb * 1024 * 1024),
        "UPLOAD_URL_TTL_SECONDS": str(documents.upload_url_ttl_seconds),
        "ALLOWED_ORIGINS": _origins(settings),
        **health_environment(settings),
    }


def health_environment(settings: RuntimeSettings) -> Environment:
    """What `GET /health` (served by `api`) reports and checks: `HealthSettings`."""
    env: Environment = {"STACK_NAME": settings.stack, "APP_VERSION": release_version()}
    if settings.secret_arn is not None:
        env["OPENAI_SECRET_ARN"] = settings.secret_arn
    return env


def ingest_environment(settings: RuntimeSettings) -> Environment:
    documents = settings.documents
    return {
        **_common("ingest", settings),
        **_llm(settings),
        "MAX_UPLOAD_BYTES": str(documents.max_upload_mb * 1024 * 1024),
        "MAX_PAGES": str(documents.max_pages),
    }


def agent_environment(settings: RuntimeSettings) -> Environment:
    env: Environment = {
        **_common("agent", settings),
        **_llm(settings),
        "DAILY_QUESTION_LIMIT": str(settings.quotas.daily_questions),
        "DAILY_TOKEN_LIMIT": str(settings.quotas.daily_tokens),
        "ALLOWED_ORIGINS": _origins(settings),
    }
    if settings.reranker_model_dir is not None:
        # Unset: the agent ranks without the cross-encoder and never imports onnxruntime.
        env["RERANKER_MODEL_DIR"] = settings.reranker_model_dir
    return env
