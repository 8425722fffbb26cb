"""The sweeper's role and the `api` role's health probes allow every AWS call they make:
a recorded sweep (never-arrived upload, stuck ingestion re-enqueued, then failed) and a
GET /health with the model secret configured."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import boto3
import pytest

from components.agent_api import permissions
from components.agent_api.sweeper import sweeper_policy
from handlers import api, sweeper
from handlers.core.clock import utc_now
from tests.iam.conftest import moto_store
from tests.iam.recorder import recording_calls
from tests.iam.roles import denied_requests
from tests.infra.program import resolve
from tests.support.aws import BUCKET, REGION, mocked_document_store, use_function_env
from tests.support.invocations import invoking
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import route_caller


def _clear() -> None:
    api.health.cache_clear()
    api.documents_context.cache_clear()
    api.settings.cache_clear()
    sweeper.sweep_context.cache_clear()


def test_the_sweeper_and_health_calls_are_allowed_by_their_roles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_function_env(
        monkeypatch,
        {
            "MAX_UPLOAD_BYTES": "1000000",
            "INGEST_TIMEOUT_SECONDS": "120",
            "STACK_NAME": "test",
            "POWERTOOLS_SERVICE_NAME": "doc-agent-test",
        },
    )
    context = FakeLambdaContext()
    with mocked_document_store(_clear), recording_calls(monkeypatch) as recorder:
        sqs = boto3.client("sqs", region_name=REGION)
        monkeypatch.setenv("QUEUE_URL", sqs.create_queue(QueueName="doc-agent-ingest")["QueueUrl"])
        secret_arn = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="doc-agent/openai-api-key", SecretString="sk-test"
        )["ARN"]
        monkeypatch.setenv("OPENAI_SECRET_ARN", secret_arn)
        _clear()
        call_api = route_caller(api.lambda_handler, context)
        # A document never uploaded, and one uploaded but never ingested
        never = call_api(
            "POST", "/documents", body={"name": "a.txt", "contentType": "text/plain", "size": 3}
        )
        stuck = call_api(
            "POST", "/documents", body={"name": "b.txt", "contentType": "text/plain", "size": 3}
        )
        assert never.status == stuck.status == 201
        key = stuck.body["upload"]["fields"]["key"]
        boto3.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key=key, Body=b"abc")
        assert call_api("GET", "/health", user=None).body["checks"]["modelSecret"] == "ok"
        later = utc_now() + timedelta(hours=3)
        for moment in (later, later + timedelta(hours=3)):
            monkeypatch.setattr(sweeper, "utc_now", lambda moment=moment: moment)
            with invoking("sweeper"):
                report = sweeper.lambda_handler({}, cast(Any, context))
            assert report["examined"] >= 1
    assert {("dynamodb", "Scan"), ("sqs", "SendMessage"), ("s3", "ListObjectsV2")} <= (
        recorder.operations("sweeper")
    )
    assert ("secretsmanager", "DescribeSecret") in recorder.operations("api")

    store = moto_store(secret_arn)
    access = permissions.StoreAccess(
        table_arn=store.table_arn,
        bucket_arn=store.bucket_arn,
        key_arn=store.key_arn,
        queue_arn=store.queue_arn,
    )
    policies = {
        "sweeper": dict(resolve(sweeper_policy(access, store.log_group_arn("sweeper")))),
        "api": dict(
            resolve(permissions.api_policy(access, store.log_group_arn("api"), secret_arn))
        ),
    }
    denied = denied_requests(recorder.calls, policies, store)
    assert denied == [], "\n".join(str(item) for item in denied)
