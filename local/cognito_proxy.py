"""Cognito's public API on the stack's own origin, forwarded to moto.

The site POSTs `SignUp`, `ConfirmSignUp` and `InitiateAuth` here as it does to
`cognito-idp.{region}.amazonaws.com`. No e-mail is sent locally, so a `SignUp` that
succeeds is confirmed on the spot (and its e-mail marked verified): the response says
`UserConfirmed: true` and the user can sign in at once.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from local.http_types import HttpRequest, HttpResponse

_FORWARDED_HEADERS = ("Content-Type", "X-Amz-Target", "X-Amz-User-Agent", "Authorization")
SIGN_UP_TARGET = "AWSCognitoIdentityProviderService.SignUp"


class CognitoProxy:
    def __init__(self, moto_endpoint: str, cognito: Any, user_pool_id: str) -> None:
        """`cognito` is a boto3 cognito-idp client bound to moto."""
        self._endpoint = moto_endpoint.rstrip("/") + "/"
        self._cognito = cognito
        self._user_pool_id = user_pool_id

    def handle(self, request: HttpRequest) -> HttpResponse:
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
        if status == 200 and request.header("X-Amz-Target") == SIGN_UP_TARGET:
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
