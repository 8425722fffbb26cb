"""The API Gateway emulator: proxy events in, proxy results out, the authorizer in front."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from local.gateway import ApiGateway
from local.http_types import HttpRequest
from local.proxy_event import proxy_response

ORIGIN = "http://127.0.0.1:8000"
CLAIMS = {"sub": "user-1", "email": "a@example.com", "token_use": "id"}


class StubAuthorizer:
    def claims(self, authorization: str | None) -> dict[str, str] | None:
        return CLAIMS if authorization == "good-token" else None


class RecordingFunctions:
    def __init__(self, result: Any = None, error: Exception | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.result = result if result is not None else {"statusCode": 200, "body": "{}"}
        self.error = error

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        self.calls.append((name, event))
        if self.error:
            raise self.error
        return self.result


def _gateway(functions: RecordingFunctions) -> ApiGateway:
    return ApiGateway(functions, StubAuthorizer(), (ORIGIN,))  # type: ignore[arg-type]


def _request(method: str, path: str, query: str = "", body: bytes = b"", **headers: str):
    return HttpRequest(
        method=method,
        path=f"/api{path}",
        query=query,
        headers=(("Authorization", "good-token"), *headers.items()),
        body=body,
    )


def test_a_request_becomes_a_rest_proxy_event_for_the_routes_function():
    functions = RecordingFunctions()

    _gateway(functions).handle(
        _request("GET", "/documents/doc-1", query="limit=5&tag=a&tag=b"), "/documents/doc-1"
    )

    ((name, event),) = functions.calls
    assert name == "api"
    assert event["resource"] == "/documents/{documentId}"
    assert event["path"] == "/documents/doc-1"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"documentId": "doc-1"}
    assert event["queryStringParameters"] == {"limit": "5", "tag": "b"}
    assert event["multiValueQueryStringParameters"] == {"limit": ["5"], "tag": ["a", "b"]}
    assert event["multiValueHeaders"]["Authorization"] == ["good-token"]
    assert event["body"] is None
    context = event["requestContext"]
    assert context["stage"] == "api"
    assert context["path"] == "/api/documents/doc-1"
    assert context["resourcePath"] == "/documents/{documentId}"
    assert context["authorizer"]["claims"] == CLAIMS
    assert context["identity"]["sourceIp"] == "127.0.0.1"


def test_json_bodies_pass_as_text_and_binary_bodies_as_base64():
    functions = RecordingFunctions()
    gateway = _gateway(functions)

    gateway.handle(
        _request("POST", "/conversations", body=b'{"title": "t"}', **{"Content-Type": "application/json"}),
        "/conversations",
    )  # fmt: skip
    gateway.handle(
        _request("POST", "/conversations", body=b"\xff\x00", **{"Content-Type": "application/pdf"}),
        "/conversations",
    )  # fmt: skip

    text_event, binary_event = (event for _, event in functions.calls)
    assert (text_event["body"], text_event["isBase64Encoded"]) == ('{"title": "t"}', False)
    assert binary_event["isBase64Encoded"] is True
    assert base64.b64decode(binary_event["body"]) == b"\xff\x00"


def test_a_bad_token_never_reaches_a_function():
    functions = RecordingFunctions()
    request = HttpRequest("GET", "/api/documents", "", (("Authorization", "forged"),))

    response = _gateway(functions).handle(request, "/documents")

    assert response.status == 401
    assert json.loads(response.body)["error"]["code"] == "unauthorized"
    assert functions.calls == []


@pytest.mark.parametrize(("method", "path"), [("GET", "/nowhere"), ("PUT", "/documents")])
def test_an_unknown_resource_or_method_is_403(method: str, path: str):
    functions = RecordingFunctions()

    response = _gateway(functions).handle(_request(method, path), path)

    assert response.status == 403
    assert json.loads(response.body)["error"]["code"] == "unknown_route"
    assert functions.calls == []


@pytest.mark.parametrize(
    "functions",
    [RecordingFunctions(error=RuntimeError("boom")), RecordingFunctions(result={"hello": "world"})],
    ids=["raises", "not-a-proxy-result"],
)
def test_a_broken_function_is_a_502_the_site_can_read(functions: RecordingFunctions):
    response = _gateway(functions).handle(
        _request("GET", "/documents", Origin=ORIGIN), "/documents"
    )

    assert response.status == 502
    assert json.loads(response.body)["error"]["code"] == "gateway_error"
    # as the deployed DEFAULT_5XX gateway response: with CORS, so the browser sees the 502
    assert ("Access-Control-Allow-Origin", ORIGIN) in response.headers


def test_the_proxy_result_becomes_the_http_response():
    response = proxy_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "application/octet-stream"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )

    assert response.status == 201
    assert response.body == b"\x00\x01"
    assert ("Set-Cookie", "a=1") in response.headers
    assert ("Set-Cookie", "b=2") in response.headers
    assert ("Content-Type", "application/octet-stream") in response.headers


def test_a_body_over_api_gateways_limit_is_413_before_any_function():
    functions = RecordingFunctions()
    request = _request("POST", "/documents", body=b"x" * (10 * 1024 * 1024 + 1))

    response = _gateway(functions).handle(request, "/documents")

    assert response.status == 413
    assert json.loads(response.body)["error"]["code"] == "too_large"
    assert functions.calls == []
