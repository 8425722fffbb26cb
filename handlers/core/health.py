"""`GET /health`: is this stack's API able to reach what it depends on?

Cheap and data-free: one GetItem of a key no item has, one ListObjectsV2 that returns no
keys (`MaxKeys=0`), one DescribeSecret (never the value). The answer is kept for
`CACHE_SECONDS` per warm container, so a flood of health requests costs AWS calls at most
once every few seconds per container; API Gateway's throttling caps the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from aws_lambda_powertools import Logger
from pydantic import Field

from handlers.core.contracts.layout import PARTITION_KEY, RAW_PREFIX, SORT_KEY
from handlers.core.documents.models import CamelModel
from handlers.core.runtime.settings import StorageSettings

logger = Logger(child=True)

CACHE_SECONDS = 10.0
# A key no item ever has (user partitions start with USER#): the read proves reachability.
PROBE_KEY = {PARTITION_KEY: "HEALTH#probe", SORT_KEY: "HEALTH#probe"}


class HealthSettings(StorageSettings):
    stack: str = Field(alias="STACK_NAME", default="local")
    version: str = Field(alias="APP_VERSION", default="unknown")
    openai_secret_arn: str | None = Field(alias="OPENAI_SECRET_ARN", default=None)


class CheckState(StrEnum):
    OK = "ok"
    ERROR = "error"
    NOT_CONFIGURED = "not-configured"
    """The stack runs the offline provider: there is no model secret to reach."""


class HealthChecks(CamelModel):
    table: CheckState
    bucket: CheckState
    model_secret: CheckState


class Health(CamelModel):
    status: Literal["ok", "degraded"] = Field(description="`degraded` when a check failed.")
    version: str = Field(description="The deployed release (the commit the stack was built from).")
    stack: str
    checks: HealthChecks


@dataclass(frozen=True)
class HealthClients:
    table: Any
    """A boto3 `dynamodb.Table` resource."""
    s3: Any
    secrets: Callable[[], Any] | None
    """Builds a Secrets Manager client; None when there is no secret to check."""


def _check(name: str, probe: Callable[[], object]) -> CheckState:
    try:
        probe()
    except Exception as exc:  # any failure to reach the dependency is the answer
        logger.warning("health check failed", check=name, error=type(exc).__name__)
        return CheckState.ERROR
    return CheckState.OK


def check_health(settings: HealthSettings, clients: HealthClients) -> Health:
    table = _check("table", lambda: clients.table.get_item(Key=PROBE_KEY))
    bucket = _check(
        "bucket",
        lambda: clients.s3.list_objects_v2(
            Bucket=settings.bucket_name, Prefix=RAW_PREFIX, MaxKeys=0
        ),
    )
    secret = CheckState.NOT_CONFIGURED
    if settings.openai_secret_arn and clients.secrets is not None:
        build = clients.secrets
        secret_arn = settings.openai_secret_arn
        secret = _check("modelSecret", lambda: build().describe_secret(SecretId=secret_arn))
    checks = HealthChecks(table=table, bucket=bucket, model_secret=secret)
    failed = CheckState.ERROR in (table, bucket, secret)
    return Health(
        status="degraded" if failed else "ok",
        version=settings.version,
        stack=settings.stack,
        checks=checks,
    )


class CachedHealth:
    """The last answer, reused for `ttl` seconds (monotonic clock, injectable for tests)."""

    def __init__(
        self,
        compute: Callable[[], Health],
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._compute = compute
        self._ttl = ttl
        self._clock = clock
        self._answer: tuple[float, Health] | None = None

    def get(self) -> Health:
        now = self._clock()
        if self._answer is None or now - self._answer[0] >= self._ttl:
            self._answer = (now, self._compute())
        return self._answer[1]
