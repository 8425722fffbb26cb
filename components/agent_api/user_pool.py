"""The Cognito user pool end users sign in to, and the site's public app client."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.config import AuthSettings
from handlers.core.password_policy import PASSWORD_POLICY


@dataclass(frozen=True)
class UserPool:
    pool: aws.cognito.UserPool
    client: aws.cognito.UserPoolClient


def create_user_pool(
    name: str, auth: AuthSettings, tags: dict[str, str], parent: pulumi.Resource
) -> UserPool:
    child = pulumi.ResourceOptions(parent=parent)
    pool = aws.cognito.UserPool(
        f"{name}-users",
        username_attributes=["email"],
        auto_verified_attributes=["email"],
        username_configuration={"case_sensitive": False},
        password_policy={
            **dataclasses.asdict(PASSWORD_POLICY),
            "temporary_password_validity_days": 3,
        },
        mfa_configuration=auth.mfa,
        software_token_mfa_configuration={"enabled": True} if auth.mfa != "OFF" else None,
        account_recovery_setting={
            "recovery_mechanisms": [{"name": "verified_email", "priority": 1}]
        },
        admin_create_user_config={"allow_admin_create_user_only": False},
        user_attribute_update_settings={"attributes_require_verification_before_update": ["email"]},
        deletion_protection="ACTIVE" if auth.deletion_protection else "INACTIVE",
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, protect=auth.deletion_protection),
    )
    client = aws.cognito.UserPoolClient(
        f"{name}-site-client",
        user_pool_id=pool.id,
        # A browser cannot keep a secret.
        generate_secret=False,
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        prevent_user_existence_errors="ENABLED",
        enable_token_revocation=True,
        id_token_validity=auth.id_token_minutes,
        access_token_validity=auth.access_token_minutes,
        refresh_token_validity=auth.refresh_token_days,
        token_validity_units={
            "id_token": "minutes",
            "access_token": "minutes",
            "refresh_token": "days",
        },
        opts=child,
    )
    return UserPool(pool=pool, client=client)
