"""The recorded run shared by the IAM tests: the three functions driven once, in one moto
account, through `tests.iam.flows` (module-scoped: the run is the expensive part)."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
import pytest

from tests.agent.fake_openai import FakeOpenAI
from tests.iam import flows
from tests.iam.actions import Store
from tests.iam.recorder import CallRecorder, recording_calls
from tests.support.aws import BUCKET, REGION, TABLE, mocked_document_store, use_function_env
from tests.support.lambda_context import FakeLambdaContext

ACCOUNT = "123456789012"  # moto's default account


def moto_store(secret_arn: str) -> Store:
    """The ARNs of the document store the tests' moto account holds."""
    return Store(
        region=REGION,
        account=ACCOUNT,
        bucket=BUCKET,
        table=TABLE,
        key_arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0000-store-key",
        queue_arn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:doc-agent-ingest",
        secret_arn=secret_arn,
        dlq_arn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:doc-agent-ingest-dlq",
    )


_FUNCTIONS_ENV = {
    "MAX_UPLOAD_BYTES": str(5 * 1024 * 1024),
    "MAX_PAGES": "600",
    "EMBEDDING_DIMENSIONS": "64",
    "DAILY_QUESTION_LIMIT": "10",
    "DAILY_TOKEN_LIMIT": "100000",
    "POWERTOOLS_SERVICE_NAME": "doc-agent-test",
}


@dataclass(frozen=True)
class RecordedRun:
    recorder: CallRecorder
    store: Store


@pytest.fixture(scope="module")
def recorded_run() -> RecordedRun:
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_function_env(monkeypatch, _FUNCTIONS_ENV)
        server = FakeOpenAI().start()
        try:
            with (
                mocked_document_store(flows.clear_function_caches),
                recording_calls(monkeypatch) as recorder,
            ):
                secrets = boto3.client("secretsmanager", region_name=REGION)
                secret_arn = secrets.create_secret(
                    Name="doc-agent/openai-api-key", SecretString="sk-test-fake-key"
                )["ARN"]
                context = FakeLambdaContext()
                flows.offline_flow(context, monkeypatch)
                flows.openai_flow(context, monkeypatch, server, secret_arn)
        finally:
            server.stop()
    return RecordedRun(
        recorder,
        moto_store(secret_arn),
    )
