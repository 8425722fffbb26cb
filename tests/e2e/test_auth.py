"""Sign-up, sign-in and the API's authorizer, over HTTP, as the site and an attacker see them."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest

from tests.e2e import tokens
from tests.e2e.client import Api, cognito, http, sign_in
from tests.e2e.conftest import User, sign_up


def _moto_cognito(stack: dict[str, Any]) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=stack["moto_endpoint"],
        region_name=stack["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_config_json_tells_the_site_where_the_api_and_the_pool_are(stack):
    # When the site loads its settings
    reply = http("GET", f"{stack['url']}/config.json")

    # Then they name this stack's API, pool, client and Cognito endpoint
    assert reply.status == 200
    assert reply.json == {
        "apiUrl": f"{stack['url']}/api",
        "region": stack["region"],
        "userPoolId": stack["user_pool_id"],
        "userPoolClientId": stack["user_pool_client_id"],
        "cognitoEndpoint": f"{stack['url']}/cognito/",
        # make dev's demo user and the questions about their sample library
        "demo": {"email": stack["demo_email"], "questions": reply.json["demo"]["questions"]},
    }
    assert reply.json["demo"]["questions"]


def test_sign_up_needs_no_email_and_the_tokens_refresh(stack):
    # Given a new user who signs up
    signed_up = sign_up(stack, "new-user@example.com", "Secret-pass-1")

    # Then they are confirmed at once and no code was sent anywhere
    assert signed_up["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in signed_up

    # And they can sign in, and refresh their tokens
    result = sign_in(
        stack["cognito_endpoint"], stack["user_pool_client_id"], "new-user@example.com",
        "Secret-pass-1",
    )  # fmt: skip
    refreshed = cognito(
        stack["cognito_endpoint"],
        "InitiateAuth",
        {
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": stack["user_pool_client_id"],
            "AuthParameters": {"REFRESH_TOKEN": result["RefreshToken"]},
        },
    )
    assert refreshed.status == 200
    fresh_token = refreshed.json["AuthenticationResult"]["IdToken"]
    assert Api(stack["api_url"], fresh_token).get("/documents").status == 200


def test_a_wrong_password_is_refused(stack, alice: User):
    reply = cognito(
        stack["cognito_endpoint"],
        "InitiateAuth",
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": stack["user_pool_client_id"],
            "AuthParameters": {"USERNAME": alice.email, "PASSWORD": "Not-the-password-1"},
        },
    )
    assert reply.status == 400
    assert reply.json["__type"] == "NotAuthorizedException"


def test_the_demo_user_printed_at_start_can_sign_in(stack):
    result = sign_in(
        stack["cognito_endpoint"], stack["user_pool_client_id"], stack["demo_email"],
        stack["demo_password"],
    )  # fmt: skip
    assert Api(stack["api_url"], result["IdToken"]).get("/documents").status == 200


def _expired_token(stack: dict[str, Any], alice: User) -> str:
    claims = tokens.id_claims(
        stack["region"], stack["user_pool_id"], stack["user_pool_client_id"], alice.sub
    )
    claims["iat"] = claims["auth_time"] = int(time.time()) - 7200
    claims["exp"] = int(time.time()) - 3600
    return tokens.sign(claims, tokens.pool_signing_key())


def _forged_token(stack: dict[str, Any], alice: User) -> str:
    claims = tokens.id_claims(
        stack["region"], stack["user_pool_id"], stack["user_pool_client_id"], alice.sub
    )
    return tokens.sign(claims, tokens.another_key())


def _other_client_token(stack: dict[str, Any], alice: User) -> str:
    other = _moto_cognito(stack).create_user_pool_client(
        UserPoolId=stack["user_pool_id"],
        ClientName="another-app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    result = sign_in(stack["cognito_endpoint"], other, alice.email, alice.password)
    return str(result["IdToken"])


def _other_pool_token(stack: dict[str, Any], alice: User) -> str:
    claims = tokens.id_claims(
        stack["region"], "us-east-1_another", stack["user_pool_client_id"], alice.sub
    )
    return tokens.sign(claims, tokens.pool_signing_key())


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda stack, alice: None, id="no token"),
        pytest.param(lambda stack, alice: "not-a-jwt", id="garbage"),
        pytest.param(_expired_token, id="expired"),
        pytest.param(_forged_token, id="signed by another key"),
        pytest.param(_other_client_token, id="for another client"),
        pytest.param(_other_pool_token, id="issued by another pool"),
        pytest.param(lambda stack, alice: alice.tokens["AccessToken"], id="access token"),
    ],
)
@pytest.mark.parametrize("path", ["/documents", "/conversations"])
def test_the_api_refuses_a_request_without_a_valid_id_token(stack, alice: User, make_token, path):
    # Given a token that API Gateway's Cognito authorizer would refuse
    token = make_token(stack, alice)

    # When it calls the API
    reply = Api(stack["api_url"], token).get(path)

    # Then the gateway answers 401 before any function runs
    assert reply.status == 401
    assert reply.json["error"]["code"] == "unauthorized"


def test_the_same_claims_signed_by_the_pool_are_accepted(stack, alice: User):
    # The control for the refusals above: a token built the same way but valid passes.
    claims = tokens.id_claims(
        stack["region"], stack["user_pool_id"], stack["user_pool_client_id"], alice.sub
    )
    token = tokens.sign(claims, tokens.pool_signing_key())
    assert Api(stack["api_url"], token).get("/documents").status == 200


def test_an_unknown_resource_is_a_403_like_api_gateway(stack, alice: User):
    reply = alice.api.get("/nothing-here")
    assert reply.status == 403
    assert reply.json["error"]["code"] == "unknown_route"


def test_preflight_allows_the_sites_origin_and_no_other(stack):
    def preflight(origin: str) -> dict[str, str]:
        reply = http(
            "OPTIONS",
            f"{stack['api_url']}/documents",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert reply.status == 204
        return {name.lower(): value for name, value in reply.headers.items()}

    allowed = preflight(stack["url"])
    assert allowed["access-control-allow-origin"] == stack["url"]
    assert "Authorization" in allowed["access-control-allow-headers"]
    assert "access-control-allow-origin" not in preflight("https://evil.example.com")


def test_a_401_carries_cors_headers_for_the_site(stack):
    # So the site can read the 401 and send the user to sign in again.
    reply = http("GET", f"{stack['api_url']}/documents", headers={"Origin": stack["url"]})
    assert reply.status == 401
    assert reply.headers["Access-Control-Allow-Origin"] == stack["url"]
