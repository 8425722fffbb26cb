"""The Cognito authorizer: an id token's claims reach the function as API Gateway's strings."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from local.authorizer import CognitoAuthorizer

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"
CLIENT_ID = "client"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class StubJwks:
    """The pool's JWKS, without fetching it: the one public key of `KEY`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def get_signing_key_from_jwt(self, token: str) -> Any:
        return SimpleNamespace(key=KEY.public_key())


@pytest.fixture
def authorizer(monkeypatch: pytest.MonkeyPatch) -> CognitoAuthorizer:
    monkeypatch.setattr(jwt, "PyJWKClient", StubJwks)
    return CognitoAuthorizer("http://moto/jwks.json", ISSUER, CLIENT_ID)


def _token(**overrides: Any) -> str:
    claims = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "user-1",
        "token_use": "id",
        "iat": 0,
        "exp": int(time.time()) + 3600,
        "email_verified": True,
        "cognito:groups": ["a", "b"],
    } | overrides
    return jwt.encode(claims, KEY, algorithm="RS256")


def test_an_id_tokens_claims_become_gateway_strings(authorizer: CognitoAuthorizer):
    claims = authorizer.claims(f"Bearer {_token()}")

    assert claims is not None
    assert claims["sub"] == "user-1"
    assert claims["iat"] == "Thu Jan 01 00:00:00 UTC 1970"
    assert claims["email_verified"] == "true"
    assert claims["cognito:groups"] == "[a b]"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(None, id="no header"),
        pytest.param(_token(token_use="access"), id="access token"),
        pytest.param(_token(aud="another-client"), id="another client"),
        pytest.param(_token(exp=int(time.time()) - 60), id="expired"),
    ],
)
def test_anything_but_a_valid_id_token_is_refused(authorizer: CognitoAuthorizer, token: str | None):
    assert authorizer.claims(token) is None
