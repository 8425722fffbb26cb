"""The environment of the in-process functions: what the Pulumi program sets, pointed at moto.

The three functions share one process, so they share one environment: the union of their
variables (each settings model ignores the others'). `check_settings` parses it with each
function's model at start-up, so a setting the handlers need and the stack forgot fails
here, with its name, not at the first request.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from handlers.core.health import HealthSettings
from handlers.core.runtime.settings import AgentSettings, ApiSettings, IngestSettings
from handlers.core.sweeper.settings import SweeperSettings
from local import defaults
from local.resources import StackResources

# Dummy credentials: moto accepts anything, and a developer's real keys never reach AWS.
_AWS_DUMMIES = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def aws_environment(moto_endpoint: str, region: str) -> dict[str, str]:
    """What makes boto3 (handlers, Powertools, the stack itself) talk to moto."""
    return {
        **_AWS_DUMMIES,
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        # A developer's ~/.aws profile must not redirect or sign anything.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


def handler_environment(
    resources: StackResources,
    allowed_origins: tuple[str, ...],
    openai_base_url: str | None,
    public_s3_endpoint_url: str | None = None,
    reranker_model_dir: Path | None = None,
) -> dict[str, str]:
    """`reranker_model_dir`: the agent's cross-encoder (None: the agent ranks without it)."""
    env = {
        "TABLE_NAME": resources.table_name,
        "BUCKET_NAME": resources.bucket_name,
        "MAX_UPLOAD_BYTES": str(defaults.MAX_UPLOAD_MB * 1024 * 1024),
        "UPLOAD_URL_TTL_SECONDS": str(defaults.UPLOAD_URL_TTL_SECONDS),
        "ALLOWED_ORIGINS": ",".join(allowed_origins),
        "MAX_PAGES": str(defaults.MAX_PAGES),
        "DAILY_QUESTION_LIMIT": str(defaults.DAILY_QUESTIONS),
        "DAILY_TOKEN_LIMIT": str(defaults.DAILY_TOKENS),
        "LLM_PROVIDER": "openai" if resources.openai_secret_arn else "offline",
        "POWERTOOLS_SERVICE_NAME": "doc-agent-local",
        "POWERTOOLS_METRICS_NAMESPACE": "DocAgent",
        # Metrics would be printed as EMF JSON on stdout; X-Ray is not there locally.
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # Set even when off (empty: no reranking), over whatever the developer's shell holds.
        "RERANKER_MODEL_DIR": str(reranker_model_dir) if reranker_model_dir else "",
    }
    if public_s3_endpoint_url:
        # Presigned URLs point at the stack's own origin, whose /s3 checks POST policies.
        env["PUBLIC_S3_ENDPOINT_URL"] = public_s3_endpoint_url
    if resources.openai_secret_arn:
        env["OPENAI_SECRET_ARN"] = resources.openai_secret_arn
        if openai_base_url:
            env["OPENAI_BASE_URL"] = openai_base_url
    return {**env, **health_environment(), **sweeper_environment(resources)}


def health_environment() -> dict[str, str]:
    """What `GET /health` reports locally (`handlers.core.health.HealthSettings`)."""
    return {"STACK_NAME": "local", "APP_VERSION": "local"}


def sweeper_environment(resources: StackResources) -> dict[str, str]:
    """The sweeper's settings: the deployed deadlines, with a shorter margin, so a document
    whose upload never arrived is swept within minutes of its URL expiring."""
    return {
        "QUEUE_URL": resources.queue_url,
        "INGEST_TIMEOUT_SECONDS": str(defaults.INGEST_TIMEOUT_SECONDS),
        "SWEEP_MARGIN_SECONDS": str(defaults.SWEEP_MARGIN_SECONDS),
    }


def check_settings(env: Mapping[str, str]) -> None:
    """Raise pydantic's ValidationError naming any variable a function needs and lacks."""
    for model in (ApiSettings, IngestSettings, AgentSettings, SweeperSettings, HealthSettings):
        model.from_env(env)


# Unset while the stack runs: a profile name would make boto3 look for ~/.aws files.
_UNSET = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


@contextmanager
def applied(env: Mapping[str, str]) -> Iterator[None]:
    """Set `env` in os.environ (where boto3 and the handlers read it), restore on exit."""
    saved = {name: os.environ.get(name) for name in (*env, *_UNSET)}
    for name in _UNSET:
        os.environ.pop(name, None)
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
