"""The stack's one origin: the API under `/api`, Cognito under `/cognito/`, the site elsewhere."""

from __future__ import annotations

import json

import pytest

from local.app import LocalApp, SiteConfig
from local.http_types import HttpRequest, HttpResponse

ORIGIN = "http://localhost:3000"
CORS = [("Access-Control-Allow-Origin", ORIGIN)]
CONFIG = SiteConfig(
    apiUrl="http://127.0.0.1:8000/api",
    region="us-east-1",
    userPoolId="us-east-1_pool",
    userPoolClientId="client",
    cognitoEndpoint="http://127.0.0.1:8000/cognito/",
)


class StubGateway:
    def __init__(self) -> None:
        self.stage_paths: list[str] = []

    def handle(self, request: HttpRequest, stage_path: str) -> HttpResponse:
        self.stage_paths.append(stage_path)
        return HttpResponse(200, [], b"api")

    def cors_headers(self, request: HttpRequest) -> list[tuple[str, str]]:
        return list(CORS)


class StubCognito:
    def handle(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, [("Content-Type", "application/x-amz-json-1.1")], b"{}")


class StubSite:
    def handle(self, path: str, api_url: str) -> HttpResponse:
        return HttpResponse(200, [], f"site {path}".encode())


@pytest.fixture
def gateway() -> StubGateway:
    return StubGateway()


@pytest.fixture
def app(gateway: StubGateway) -> LocalApp:
    return LocalApp(CONFIG, gateway, StubCognito(), StubSite())  # type: ignore[arg-type]


def _request(method: str, path: str) -> HttpRequest:
    return HttpRequest(method=method, path=path, query="", headers=(("Origin", ORIGIN),))


def test_the_api_gets_the_path_below_the_stage(app: LocalApp, gateway: StubGateway):
    app.handle(_request("GET", "/api/documents/doc-1"))
    app.handle(_request("GET", "/api"))

    assert gateway.stage_paths == ["/documents/doc-1", "/"]


def test_a_path_that_only_starts_like_the_stage_is_the_sites(app: LocalApp, gateway: StubGateway):
    response = app.handle(_request("GET", "/apiary"))

    assert response.body == b"site /apiary"
    assert gateway.stage_paths == []


def test_config_json_is_the_site_config(app: LocalApp):
    response = app.handle(_request("GET", "/config.json"))

    assert response.status == 200
    assert json.loads(response.body)["userPoolClientId"] == "client"
    assert ("Cache-Control", "no-cache") in response.headers


def test_the_site_answers_get_and_head_only(app: LocalApp):
    response = app.handle(_request("POST", "/documents"))

    assert response.status == 405
    assert ("Allow", "GET, HEAD") in response.headers


def test_cognito_calls_carry_cors_and_the_preflight_allows_post(app: LocalApp):
    preflight = app.handle(_request("OPTIONS", "/cognito/"))
    call = app.handle(_request("POST", "/cognito/"))
    wrong_method = app.handle(_request("GET", "/cognito"))

    assert preflight.status == 204
    assert ("Access-Control-Allow-Methods", "POST,OPTIONS") in preflight.headers
    assert CORS[0] in preflight.headers
    assert call.status == 200
    assert CORS[0] in call.headers
    assert wrong_method.status == 405
