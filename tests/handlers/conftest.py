"""moto-backed AWS for the `api` and `ingest` functions, and API Gateway event factories.

The table, bucket and queue are built from `handlers.core.layout`, the same definitions
the Pulumi components use.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import boto3
import pytest
from moto import mock_aws

from handlers.core.layout import KEY_ATTRIBUTES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE

REGION = "us-east-1"
TABLE = "doc-agent-test"
BUCKET = "doc-agent-test-documents"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ORIGIN = "https://app.example.com"
USER_A = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
USER_B = "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb"


@dataclass
class FakeLambdaContext:
    function_name: str = "doc-agent-test"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:doc-agent-test"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def handler_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "TABLE_NAME": TABLE,
        "BUCKET_NAME": BUCKET,
        "MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
        "MAX_PAGES": "600",
        "ALLOWED_ORIGINS": ORIGIN,
        "LLM_PROVIDER": "offline",
        "EMBEDDING_DIMENSIONS": "64",
        "POWERTOOLS_METRICS_NAMESPACE": "DocAgentTest",
        "POWERTOOLS_SERVICE_NAME": "doc-agent-test",
    }
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _clear_handler_caches() -> None:
    from handlers import api, ingest

    for module in (api, ingest):
        for name in dir(module):
            cached = getattr(module, name)
            if callable(cached) and hasattr(cached, "cache_clear"):
                cached.cache_clear()


@pytest.fixture
def aws(handler_env: dict[str, str]) -> Iterator[None]:
    """A fresh moto account with the table and the versioned bucket."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName=TABLE,
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": kind} for name, kind in KEY_ATTRIBUTES
            ],
            KeySchema=[
                {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
                {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.update_time_to_live(
            TableName=TABLE,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        _clear_handler_caches()
        yield
        _clear_handler_caches()


@pytest.fixture
def s3_client(aws: None) -> Any:
    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def table(aws: None) -> Any:
    return boto3.resource("dynamodb", region_name=REGION).Table(TABLE)


ApiEvent = Callable[..., dict[str, Any]]


def api_event(
    method: str,
    path: str,
    *,
    user: str | None = USER_A,
    body: Any = None,
    query: dict[str, str] | None = None,
    origin: str | None = ORIGIN,
) -> dict[str, Any]:
    """An API Gateway REST proxy event as the Cognito authorizer leaves it."""
    segments = path.strip("/").split("/")
    resource, path_parameters = path, None
    if len(segments) == 2 and segments[0] == "documents":
        resource, path_parameters = "/documents/{documentId}", {"documentId": segments[1]}
    headers = {"Content-Type": "application/json", "Host": "api.example.com"}
    if origin:
        headers["Origin"] = origin
    authorizer: dict[str, Any] = {}
    if user is not None:
        authorizer = {"claims": {"sub": user, "email": f"{user[:4]}@example.com"}}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": (
            {name: [value] for name, value in query.items()} if query else None
        ),
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "test-request",
            "authorizer": authorizer,
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": None if body is None else body if isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
    }


@dataclass
class ApiResult:
    status: int
    headers: dict[str, str]
    body: Any


@pytest.fixture
def call_api(aws: None, lambda_context: FakeLambdaContext) -> Callable[..., ApiResult]:
    """Call `handlers.api.lambda_handler` with a REST proxy event; returns status/headers/body."""
    from handlers import api

    def call(method: str, path: str, **kwargs: Any) -> ApiResult:
        response = api.lambda_handler(api_event(method, path, **kwargs), cast(Any, lambda_context))
        headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = values[-1]
        raw = response.get("body")
        body = json.loads(raw) if raw else None
        return ApiResult(status=response["statusCode"], headers=headers, body=body)

    return call
