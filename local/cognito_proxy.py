"""Cognito's public API on the stack's own origin, forwarded to moto.

The site POSTs `SignUp`, `ConfirmSignUp` and `InitiateAuth` here as it does to
`cognito-idp.{region}.amazonaws.com`. No e-mail is sent locally, so a `SignUp` that
succeeds is confirmed on the spot (and its e-mail marked verified): the response says
`UserConfirmed: true` and the user can sign in at once.

Only what a public app client may call goes through: the unauthenticated actions (sign-up,
sign-in, password reset) and those authorised by the user's own access token. Every
other action (`ListUsers`, `AdminSetUserPassword`, ...) needs IAM credentials on AWS,
which a browser never has, so it is refused here as Cognito refuses an unsigned call;
moto, which checks no credentials, never sees it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from local.http_types import HttpRequest, HttpResponse

_FORWARDED_HEADERS = ("Content-Type", "X-Amz-Target", "X-Amz-User-Agent")
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
SIGN_UP_TARGET = f"{TARGET_PREFIX}SignUp"

PUBLIC_ACTIONS = frozenset(
    {
        # Unauthenticated: the app client id is all they take.
        "SignUp",
        "ConfirmSignUp",
        "ResendConfirmationCode",
        "InitiateAuth",
        "RespondToAuthChallenge",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "RevokeToken",
        "GetTokensFromRefreshToken",
        # Authorised by the caller's own access token, acting on that user only.
        "GetUser",
        "ChangePassword",
        "GlobalSignOut",
        "DeleteUser",
        "UpdateUserAttributes",
        "DeleteUserAttributes",
        "VerifyUserAttribute",
        "GetUserAttributeVerificationCode",
        "SetUserMFAPreference",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
    }
)
"""What Cognito serves without IAM credentials (its "public" and token-authorised APIs)."""


class CognitoProxy:
    def __init__(self, moto_endpoint: str, cognito: Any, user_pool_id: str) -> None:
        """`cognito` is a boto3 cognito-idp client bound to moto."""
        self._endpoint = moto_endpoint.rstrip("/") + "/"
        self._cognito = cognito
        self._user_pool_id = user_pool_id

    def handle(self, request: HttpRequest) -> HttpResponse:
        target = request.header("X-Amz-Target") or ""
        action = target.removeprefix(TARGET_PREFIX) if target.startswith(TARGET_PREFIX) else ""
        if action not in PUBLIC_ACTIONS:
            return _refused(action)
        forwarded = urllib.request.Request(  # noqa: S310 (the moto endpoint is http://127.0.0.1)
            self._endpoint,
            data=request.body,
            method="POST",
            headers={
                name: value
                for name in _FORWARDED_HEADERS
                if (value := request.header(name)) is not None
            },
        )
        try:
            with urllib.request.urlopen(forwarded, timeout=30) as reply:  # noqa: S310
                status, body = reply.status, reply.read()
                content_type = reply.headers.get("Content-Type", "application/x-amz-json-1.1")
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
            content_type = error.headers.get("Content-Type", "application/x-amz-json-1.1")
        if status == 200 and target == SIGN_UP_TARGET:
            body = self._confirm(request.body, body)
        return HttpResponse(status=status, headers=[("Content-Type", content_type)], body=body)

    def _confirm(self, request_body: bytes, response_body: bytes) -> bytes:
        username = json.loads(request_body)["Username"]
        self._cognito.admin_confirm_sign_up(UserPoolId=self._user_pool_id, Username=username)
        self._cognito.admin_update_user_attributes(
            UserPoolId=self._user_pool_id,
            Username=username,
            UserAttributes=[{"Name": "email_verified", "Value": "true"}],
        )
        payload = json.loads(response_body)
        payload["UserConfirmed"] = True
        # Nothing was sent: no code to enter (moto invents a delivery otherwise).
        payload.pop("CodeDeliveryDetails", None)
        return json.dumps(payload).encode()


def _refused(action: str) -> HttpResponse:
    """Cognito's answer to an action called without IAM credentials (or no action at all)."""
    if action:
        error = {
            "__type": "MissingAuthenticationTokenException",
            "message": "Missing Authentication Token",
        }
    else:
        error = {"__type": "UnknownOperationException", "message": "Unknown operation"}
    return HttpResponse(
        status=400,
        headers=[("Content-Type", "application/x-amz-json-1.1")],
        body=json.dumps(error).encode(),
    )
