"""The Cognito user pool end users sign in to, and the site's public app client."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi_aws import cognito

from components.config import AuthEmail, AuthSettings
from handlers.core.contracts.password_policy import PASSWORD_POLICY


@dataclass(frozen=True)
class UserPool:
    pool: aws.cognito.UserPool
    client: aws.cognito.UserPoolClient


def create_user_pool(
    name: str, auth: AuthSettings, tags: dict[str, str], parent: pulumi.Resource
) -> UserPool:
    # The SDK's typed args, not dict literals: a misspelt argument fails type-checking
    # instead of being dropped on the way to AWS.
    child = pulumi.ResourceOptions(parent=parent)
    pool = cognito.UserPool(
        f"{name}-users",
        username_attributes=["email"],
        auto_verified_attributes=["email"],
        username_configuration=cognito.UserPoolUsernameConfigurationArgs(case_sensitive=False),
        password_policy=cognito.UserPoolPasswordPolicyArgs(
            **dataclasses.asdict(PASSWORD_POLICY), temporary_password_validity_days=3
        ),
        mfa_configuration=auth.mfa,
        software_token_mfa_configuration=cognito.UserPoolSoftwareTokenMfaConfigurationArgs(
            enabled=True
        )
        if auth.mfa != "OFF"
        else None,
        account_recovery_setting=cognito.UserPoolAccountRecoverySettingArgs(
            recovery_mechanisms=[
                cognito.UserPoolAccountRecoverySettingRecoveryMechanismArgs(
                    name="verified_email", priority=1
                )
            ]
        ),
        admin_create_user_config=cognito.UserPoolAdminCreateUserConfigArgs(
            allow_admin_create_user_only=False
        ),
        # A changed address keeps the old one until the new one is verified.
        user_attribute_update_settings=cognito.UserPoolUserAttributeUpdateSettingsArgs(
            attributes_require_verification_before_updates=["email"]
        ),
        email_configuration=_email_configuration(auth.email, parent),
        deletion_protection="ACTIVE" if auth.deletion_protection else "INACTIVE",
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, protect=auth.deletion_protection),
    )
    client = cognito.UserPoolClient(
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
        # Units of the validities above, not secrets.
        token_validity_units=cognito.UserPoolClientTokenValidityUnitsArgs(
            id_token="minutes",  # noqa: S106
            access_token="minutes",  # noqa: S106
            refresh_token="days",  # noqa: S106
        ),
        opts=child,
    )
    return UserPool(pool=pool, client=client)


def _email_configuration(
    email: AuthEmail | None, parent: pulumi.Resource
) -> cognito.UserPoolEmailConfigurationArgs:
    """SES (`DEVELOPER`) when configured; Cognito's built-in sender, a few dozen a day, if not."""
    if email is None:
        return cognito.UserPoolEmailConfigurationArgs(email_sending_account="COGNITO_DEFAULT")
    invoke = pulumi.InvokeOutputOptions(parent=parent)
    account_id = aws.get_caller_identity_output(opts=invoke).account_id
    region = aws.get_region_output(opts=invoke).region
    source_arn = pulumi.Output.all(account_id, region).apply(
        lambda values: (
            f"arn:aws:ses:{email.identity_region(values[1])}:{values[0]}"
            f":identity/{email.ses_identity}"
        )
    )
    return cognito.UserPoolEmailConfigurationArgs(
        email_sending_account="DEVELOPER",
        from_email_address=email.from_address,
        reply_to_email_address=email.reply_to,
        source_arn=source_arn,
    )
