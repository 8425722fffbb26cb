"""Id tokens the API must refuse, made the way an attacker or a stale browser would."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource


def pool_signing_key() -> Any:
    """The private key moto signs every pool's tokens with (the pool's real key locally)."""
    jwk = load_resource("cognitoidp/resources/jwks-private.json")
    return jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))


def id_claims(region: str, user_pool_id: str, client_id: str, sub: str) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}",
        "sub": sub,
        "aud": client_id,
        "token_use": "id",
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "email": "someone@example.com",
    }


def sign(claims: dict[str, Any], key: Any) -> str:
    # moto's JWKS names its one key "dummy"; a forged token claims the same key id.
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def another_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
