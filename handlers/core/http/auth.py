"""Who is calling: the Cognito `sub` that API Gateway's authorizer put in the event.

API Gateway verifies the id token before the function runs; the function only reads the
verified claims at `requestContext.authorizer.claims`. Everything a user owns lives
under that id, so it is the only identity the code ever trusts (never a body field).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.core.http.errors import UnauthorizedError

_MAX_SUB_LENGTH = 128


def find_user_id(event: Mapping[str, Any]) -> str | None:
    """The caller's user id, or None when the event carries no usable `sub` claim."""
    context = event.get("requestContext")
    authorizer = context.get("authorizer") if isinstance(context, Mapping) else None
    claims = authorizer.get("claims") if isinstance(authorizer, Mapping) else None
    sub = claims.get("sub") if isinstance(claims, Mapping) else None
    if not isinstance(sub, str):
        return None
    sub = sub.strip()
    # A sub becomes part of S3 keys and DynamoDB keys: refuse separators outright.
    if (
        not sub
        or len(sub) > _MAX_SUB_LENGTH
        or any(c in sub for c in "/#\\")
        or not sub.isprintable()
    ):
        return None
    return sub


def require_user_id(event: Mapping[str, Any]) -> str:
    """The caller's user id; a missing claim raises UnauthorizedError (401)."""
    user_id = find_user_id(event)
    if user_id is None:
        raise UnauthorizedError("Sign in to use this API.")
    return user_id
