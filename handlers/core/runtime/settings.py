"""Each function's settings, parsed once from its environment.

The Pulumi program sets these variables (components/agent_api/environment.py) and the local stack sets
them for its in-process handlers; a test builds each model from the environment the
program declares, so the two cannot drift. Logic receives a settings object and never
reads `os.environ` itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


CsvTuple = Annotated[tuple[str, ...], BeforeValidator(_split_csv)]
# An empty variable is an unset one (a stack that turns a feature off may set "").
OptionalPath = Annotated[Path | None, BeforeValidator(lambda value: value or None)]


class EnvSettings(BaseModel):
    # defer_build: each function builds its own settings' schema at init, not all of them
    # at import (docs/benchmarks.md).
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True, defer_build=True)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        """Validate the environment; a missing or bad variable raises ValidationError."""
        return cls.model_validate(dict(os.environ if env is None else env))


class StorageSettings(EnvSettings):
    table_name: str = Field(alias="TABLE_NAME", min_length=1)
    bucket_name: str = Field(alias="BUCKET_NAME", min_length=1)


class UploadSettings(EnvSettings):
    max_upload_bytes: int = Field(alias="MAX_UPLOAD_BYTES", gt=0)
    upload_url_ttl_seconds: int = Field(alias="UPLOAD_URL_TTL_SECONDS", default=900, gt=0, le=3600)
    download_url_ttl_seconds: int = Field(
        alias="DOWNLOAD_URL_TTL_SECONDS", default=300, gt=0, le=3600
    )


class CorsSettings(EnvSettings):
    allowed_origins: CsvTuple = Field(alias="ALLOWED_ORIGINS", default=())


class LlmSettings(EnvSettings):
    """Which provider answers and embeds. `offline` needs no key and no network."""

    llm_provider: Literal["openai", "offline"] = Field(alias="LLM_PROVIDER", default="offline")
    # The ARN (or, locally, the name) of the Secrets Manager secret holding the API key.
    openai_secret_arn: str | None = Field(alias="OPENAI_SECRET_ARN", default=None)
    openai_base_url: str | None = Field(alias="OPENAI_BASE_URL", default=None)
    chat_model: str = Field(alias="OPENAI_MODEL", default="gpt-4.1-mini")
    embedding_model: str = Field(alias="EMBEDDING_MODEL", default="text-embedding-3-small")
    embedding_dimensions: int = Field(alias="EMBEDDING_DIMENSIONS", default=256, ge=64, le=3072)
    llm_timeout_seconds: float = Field(alias="LLM_TIMEOUT_SECONDS", default=30.0, gt=0)
    llm_max_retries: int = Field(alias="LLM_MAX_RETRIES", default=3, ge=0, le=10)


class QuotaSettings(EnvSettings):
    daily_question_limit: int = Field(alias="DAILY_QUESTION_LIMIT", gt=0)
    daily_token_limit: int = Field(alias="DAILY_TOKEN_LIMIT", gt=0)


class ApiSettings(StorageSettings, UploadSettings, CorsSettings):
    """The `api` function: documents routes."""

    # Unset on AWS (boto3's regional endpoint). The local stack sets its own origin's /s3,
    # which checks presigned POST policies as S3 does, so browsers use the app's one port.
    public_s3_endpoint_url: str | None = Field(alias="PUBLIC_S3_ENDPOINT_URL", default=None)


class IngestSettings(StorageSettings, LlmSettings):
    """The `ingest` function: the SQS worker."""

    max_upload_bytes: int = Field(alias="MAX_UPLOAD_BYTES", gt=0)
    max_pages: int = Field(alias="MAX_PAGES", default=2000, gt=0)


class AgentSettings(StorageSettings, LlmSettings, QuotaSettings, CorsSettings):
    """The `agent` function: conversations and questions."""

    max_tool_rounds: int = Field(alias="MAX_TOOL_ROUNDS", default=4, ge=1, le=10)
    # The reranker's model files (`model.onnx`, `vocab.txt`); unset: no reranking.
    reranker_model_dir: OptionalPath = Field(alias="RERANKER_MODEL_DIR", default=None)
