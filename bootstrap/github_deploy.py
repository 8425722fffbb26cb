"""GitHub Actions' OIDC provider and, per stack, a deploy role and a preview role.

The deploy role of stack `<s>` trusts only GitHub's tokens for this repository's GitHub
environment `<s>` (the `sub` claim `repo:<owner>/<repo>:environment:<s>`), so only a job
that runs in that environment — prod's behind its required reviewers — can assume it. The
preview role trusts environment `<s>-preview` (pull requests from this repository) and can
only read. No access keys exist anywhere.

What the deploy role may do is scoped as far as AWS allows: the services the stack uses, in
the stack's region (plus us-east-1, where CloudFront's certificate and log delivery live);
IAM only on roles whose names the program gives (`PROJECT_ROLE_PREFIXES`) and `PassRole`
only to the services that use them; nothing on IAM users, access keys or the OIDC provider.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

GITHUB_ISSUER = "token.actions.githubusercontent.com"
AUDIENCE = "sts.amazonaws.com"
# The services the Doc Agent program creates resources in (components/).
SERVICES: tuple[str, ...] = (
    "acm",
    "apigateway",
    "backup",
    "backup-storage",
    "budgets",
    "cloudfront",
    "cloudwatch",
    "cognito-idp",
    "dynamodb",
    "events",
    "kms",
    "lambda",
    "logs",
    "route53",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
    "synthetics",
    "wafv2",
    "xray",
)
# Pulumi names each role after its component's logical name (`agent-api-api-role-1a2b3c`).
PROJECT_ROLE_PREFIXES: tuple[str, ...] = (
    "agent-api-",
    "store-",
    "observability-",
    "site-",
    "canary-",
)
PASSED_TO: tuple[str, ...] = (
    "lambda.amazonaws.com",
    "apigateway.amazonaws.com",
    "backup.amazonaws.com",
    "events.amazonaws.com",
)
# The smoke test creates and deletes a throwaway user (admin API: no e-mail is sent).
SMOKE_TEST_ACTIONS: tuple[str, ...] = (
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminSetUserPassword",
    "cognito-idp:AdminDeleteUser",
)


@dataclass(frozen=True)
class BootstrapArgs:
    repository: str
    """owner/name on GitHub."""
    stacks: Sequence[str]
    region: str
    account_id: pulumi.Input[str]
    provider_arn: pulumi.Input[str] | None = None
    """An existing GitHub OIDC provider (one per account); None: create it."""


@dataclass(frozen=True)
class StackRoles:
    deploy: aws.iam.Role
    preview: aws.iam.Role


def trust_policy(provider_arn: str, repository: str, environment: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{GITHUB_ISSUER}:aud": AUDIENCE,
                            f"{GITHUB_ISSUER}:sub": f"repo:{repository}:environment:{environment}",
                        }
                    },
                }
            ],
        },
        sort_keys=True,
    )


def deploy_policy(account_id: str, region: str) -> str:
    regions = sorted({region, "us-east-1"})
    roles = [f"arn:aws:iam::{account_id}:role/{prefix}*" for prefix in PROJECT_ROLE_PREFIXES]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ProjectServicesInItsRegions",
                    "Effect": "Allow",
                    "Action": [f"{service}:*" for service in SERVICES],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": regions}},
                },
                {
                    "Sid": "ProjectRoles",
                    "Effect": "Allow",
                    "Action": [
                        "iam:CreateRole",
                        "iam:DeleteRole",
                        "iam:GetRole",
                        "iam:UpdateRole",
                        "iam:UpdateAssumeRolePolicy",
                        "iam:TagRole",
                        "iam:UntagRole",
                        "iam:ListRoleTags",
                        "iam:PutRolePolicy",
                        "iam:GetRolePolicy",
                        "iam:DeleteRolePolicy",
                        "iam:ListRolePolicies",
                        "iam:AttachRolePolicy",
                        "iam:DetachRolePolicy",
                        "iam:ListAttachedRolePolicies",
                        "iam:ListInstanceProfilesForRole",
                    ],
                    "Resource": roles,
                },
                {
                    "Sid": "PassProjectRolesToTheirServices",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": roles,
                    "Condition": {"StringEquals": {"iam:PassedToService": list(PASSED_TO)}},
                },
                {
                    # Budgets, CloudFront and the caller's identity are global.
                    "Sid": "GlobalReads",
                    "Effect": "Allow",
                    "Action": ["sts:GetCallerIdentity", "iam:GetPolicy", "iam:GetPolicyVersion"],
                    "Resource": "*",
                },
            ],
        },
        sort_keys=True,
    )


def _trust(
    provider_arn: pulumi.Input[str], repository: str, environment: str
) -> pulumi.Output[str]:
    def build(arn: str) -> str:
        return trust_policy(arn, repository, environment)

    return pulumi.Output.from_input(provider_arn).apply(build)


def create_github_deploy(args: BootstrapArgs) -> dict[str, StackRoles]:
    provider_arn: pulumi.Input[str]
    if args.provider_arn is None:
        provider = aws.iam.OpenIdConnectProvider(
            "github-oidc",
            url=f"https://{GITHUB_ISSUER}",
            client_id_lists=[AUDIENCE],
            tags={"project": "doc-agent"},
        )
        provider_arn = provider.arn
    else:
        provider_arn = args.provider_arn
    roles: dict[str, StackRoles] = {}
    for stack in args.stacks:
        tags = {"project": "doc-agent", "stack": stack}
        deploy = aws.iam.Role(
            f"deploy-{stack}",
            name=f"doc-agent-deploy-{stack}",
            description=f"GitHub Actions (environment {stack}) deploys the {stack} stack",
            assume_role_policy=_trust(provider_arn, args.repository, stack),
            max_session_duration=3600,
            tags=tags,
        )
        aws.iam.RolePolicy(
            f"deploy-{stack}-policy",
            role=deploy.id,
            policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: deploy_policy(account, args.region)
            ),
        )
        aws.iam.RolePolicy(
            f"deploy-{stack}-smoke-test",
            role=deploy.id,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "ThrowawayUsers",
                            "Effect": "Allow",
                            "Action": list(SMOKE_TEST_ACTIONS),
                            "Resource": "*",
                        }
                    ],
                }
            ),
        )
        preview = aws.iam.Role(
            f"preview-{stack}",
            name=f"doc-agent-preview-{stack}",
            description=f"GitHub Actions (environment {stack}-preview) previews the {stack} stack",
            assume_role_policy=_trust(provider_arn, args.repository, f"{stack}-preview"),
            max_session_duration=3600,
            tags=tags,
        )
        aws.iam.RolePolicyAttachment(
            f"preview-{stack}-read-only",
            role=preview.name,
            policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess",
        )
        roles[stack] = StackRoles(deploy=deploy, preview=preview)
    return roles
