"""API Gateway's Cognito user-pool authorizer, locally.

The `Authorization` header holds the Cognito **id token**. It is accepted when its RS256
signature verifies against the pool's JWKS (served by moto), it is not expired, its issuer
is the pool, its audience is the app client and `token_use` is `id`; its claims then reach
the function as strings, as API Gateway passes them. Anything else is a 401.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jwt

# API Gateway renders the time claims like Java's Date.toString().
_TIME_CLAIMS = frozenset({"exp", "iat"})


class CognitoAuthorizer:
    def __init__(self, jwks_url: str, issuer: str, client_id: str) -> None:
        self._keys = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600)
        self._issuer = issuer
        self._client_id = client_id

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        """The token's claims as API Gateway passes them, or None when it must be a 401."""
        if not authorization:
            return None
        token = authorization.removeprefix("Bearer ").strip()
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self._client_id,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
            )
        except jwt.PyJWTError:
            return None
        if claims.get("token_use") != "id":
            return None
        return {name: _as_gateway_string(name, value) for name, value in claims.items()}


def _as_gateway_string(name: str, value: Any) -> str:
    if name in _TIME_CLAIMS and isinstance(value, int):
        return datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(str(item) for item in value) + "]"
    return str(value)
