"""GET /health: no token needed, no user data, each dependency checked, the answer cached."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from handlers import api
from handlers.core.health import CachedHealth, Health, HealthChecks
from tests.support.aws import BUCKET, REGION
from tests.support.routes import CallRoute


@pytest.fixture(autouse=True)
def fresh_health(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("STACK_NAME", "dev")
    monkeypatch.setenv("APP_VERSION", "abc1234")
    api.health.cache_clear()
    yield
    api.health.cache_clear()


def test_health_answers_without_a_token_and_names_the_stack_and_version(
    call_api: CallRoute,
) -> None:
    reply = call_api("GET", "/health", user=None)

    assert reply.status == 200, reply.body
    assert reply.body == {
        "status": "ok",
        "version": "abc1234",
        "stack": "dev",
        "checks": {"table": "ok", "bucket": "ok", "modelSecret": "not-configured"},
    }
    assert reply.headers["Cache-Control"] == "no-store"


def test_a_missing_bucket_makes_health_degraded_with_503(
    call_api: CallRoute, s3_client: Any
) -> None:
    # Given the documents bucket is gone (deleted by mistake, or a wrong name deployed)
    for version in s3_client.list_object_versions(Bucket=BUCKET).get("Versions", []):
        s3_client.delete_object(Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"])
    s3_client.delete_bucket(Bucket=BUCKET)

    reply = call_api("GET", "/health", user=None)

    assert reply.status == 503
    assert reply.body["status"] == "degraded"
    assert reply.body["checks"]["bucket"] == "error"
    assert reply.body["checks"]["table"] == "ok"


def test_the_model_secret_is_described_never_read(
    call_api: CallRoute, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = boto3.client("secretsmanager", region_name=REGION)
    arn = secrets.create_secret(Name="openai", SecretString="sk-never-read")["ARN"]
    monkeypatch.setenv("OPENAI_SECRET_ARN", arn)
    api.health.cache_clear()
    assert call_api("GET", "/health", user=None).body["checks"]["modelSecret"] == "ok"

    secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    api.health.cache_clear()
    reply = call_api("GET", "/health", user=None)
    assert reply.status == 503
    assert reply.body["checks"]["modelSecret"] == "error"


def test_the_answer_is_cached_for_a_few_seconds() -> None:
    calls: list[int] = []
    now = [100.0]

    def compute() -> Health:
        calls.append(1)
        checks = HealthChecks(table="ok", bucket="ok", model_secret="ok")
        return Health(status="ok", version="v", stack="s", checks=checks)

    cached = CachedHealth(compute, ttl=10, clock=lambda: now[0])
    for _ in range(50):
        cached.get()
    now[0] += 9.9
    cached.get()
    assert len(calls) == 1
    now[0] += 0.2
    cached.get()
    assert len(calls) == 2
