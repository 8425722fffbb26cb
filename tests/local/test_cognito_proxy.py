"""The `/cognito` proxy forwards only what a public app client may call."""

from __future__ import annotations

import json

import pytest

from local.cognito_proxy import PUBLIC_ACTIONS, CognitoProxy
from local.http_types import HttpRequest

# Nothing listens here: a refused call must never be forwarded.
NOWHERE = "http://127.0.0.1:9"


def call(action: str | None) -> HttpRequest:
    headers = [("Content-Type", "application/x-amz-json-1.1")]
    if action is not None:
        headers.append(("X-Amz-Target", f"AWSCognitoIdentityProviderService.{action}"))
    return HttpRequest("POST", "/cognito/", "", tuple(headers), json.dumps({}).encode())


@pytest.mark.parametrize(
    "action",
    [
        "ListUsers",
        "AdminSetUserPassword",
        "AdminGetUser",
        "AdminCreateUser",
        "AdminDeleteUser",
        "DescribeUserPool",
        "DescribeUserPoolClient",
        "UpdateUserPool",
        "ListUserPoolClients",
        "signup",  # actions are case-sensitive
    ],
)
def test_actions_that_need_iam_credentials_are_refused_without_forwarding(action: str):
    proxy = CognitoProxy(NOWHERE, cognito=None, user_pool_id="pool")

    response = proxy.handle(call(action))

    assert response.status == 400
    assert json.loads(response.body)["__type"] == "MissingAuthenticationTokenException"


@pytest.mark.parametrize("target", [None, "Cognito.SignUp"])
def test_a_call_naming_no_known_action_is_refused(target: str | None):
    request = call(None)
    if target is not None:
        request = HttpRequest(
            "POST", "/cognito/", "", (*request.headers, ("X-Amz-Target", target)), request.body
        )

    response = CognitoProxy(NOWHERE, cognito=None, user_pool_id="pool").handle(request)

    assert response.status == 400
    assert json.loads(response.body)["__type"] == "UnknownOperationException"


def test_the_sites_actions_are_public():
    assert {"SignUp", "ConfirmSignUp", "InitiateAuth", "GlobalSignOut"} <= PUBLIC_ACTIONS
    assert not any(action.startswith("Admin") for action in PUBLIC_ACTIONS)
