"""The local user pool enforces the deployed pool's password rules."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.core.contracts.password_policy import PASSWORD_POLICY
from local.resources import StackResources


def test_the_local_pool_has_the_deployed_password_policy(
    aws: Any, resources: StackResources
) -> None:
    pool = aws.client("cognito-idp").describe_user_pool(UserPoolId=resources.user_pool_id)
    policy = pool["UserPool"]["Policies"]["PasswordPolicy"]
    expected = PASSWORD_POLICY.as_cognito_api()
    assert {key: policy[key] for key in expected} == expected


@pytest.mark.parametrize(
    "password",
    ["Short-1a-Bc", "no-upper-case-1", "NO-LOWER-CASE-1", "No-Number-Here", "NoSymbol12345a"],
)
def test_a_password_the_rules_refuse_is_refused_locally(
    aws: Any, resources: StackResources, password: str
) -> None:
    cognito = aws.client("cognito-idp")
    with pytest.raises(cognito.exceptions.InvalidPasswordException):
        cognito.sign_up(
            ClientId=resources.user_pool_client_id, Username="ann@example.com", Password=password
        )
