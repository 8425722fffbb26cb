"""The events the handlers receive: API Gateway REST proxy events as the Cognito authorizer
leaves them, and SQS batches of S3 upload notifications."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote_plus

from handlers.core.contracts.routes import STAGE_NAME
from local.routes import match_route
from tests.support.aws import BUCKET, ORIGIN, REGION

USER_A = "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
USER_B = "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:123456789012:ingest"


def _resource_of(path: str) -> tuple[str, dict[str, str] | None]:
    """The resource template and path parameters API Gateway would give `path`."""
    matched = match_route(path)
    if matched is None:
        return path, None
    return matched.route.path, matched.path_parameters or None


def rest_proxy_event(
    method: str,
    path: str,
    *,
    user: str | None = USER_A,
    body: Any = None,
    query: dict[str, str] | None = None,
    origin: str | None = ORIGIN,
) -> dict[str, Any]:
    """An API Gateway REST proxy event; `user=None` is a request without verified claims."""
    resource, path_parameters = _resource_of(path)
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
            "path": f"/{STAGE_NAME}{path}",
            "stage": STAGE_NAME,
            "requestId": "test-request",
            "authorizer": authorizer,
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": None if body is None else body if isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
    }


def s3_notification(key: str, size: int, bucket: str = BUCKET) -> dict[str, Any]:
    """One S3 `ObjectCreated` record, as the bucket sends it to the ingest queue."""
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Post",
        "s3": {
            "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
            # S3 URL-encodes keys in notifications, with '+' for spaces.
            "object": {"key": quote_plus(key, safe="/"), "size": size},
        },
    }


def sqs_event(bodies: list[str], receive_count: int = 1) -> dict[str, Any]:
    """An SQS batch to the ingest worker: one record a body, ids `message-0`, `message-1`..."""
    return {
        "Records": [
            {
                "messageId": f"message-{index}",
                "receiptHandle": f"handle-{index}",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": str(receive_count),
                    "SentTimestamp": "1700000000000",
                    "SenderId": "s3",
                    "ApproximateFirstReceiveTimestamp": "1700000000000",
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": QUEUE_ARN,
                "awsRegion": REGION,
            }
            for index, body in enumerate(bodies)
        ]
    }
