"""The bootstrap stack under mocks: the GitHub OIDC provider, and per stack a deploy role only
that stack's GitHub environment can assume, allowed what the real program creates and no
more than AWS lets us scope; a read-only preview role."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bootstrap.github_deploy import (
    PROJECT_ROLE_PREFIXES,
    SERVICES,
    BootstrapArgs,
    create_github_deploy,
)
from tests.infra.program import MockedPulumi, StackRun

REPOSITORY = "example-org/doc-agent"
ROLE = "aws:iam/role:Role"


def bootstrap(pulumi_mocks: MockedPulumi, provider_arn: str | None = None) -> StackRun:
    def program() -> dict[str, Any]:
        roles = create_github_deploy(
            BootstrapArgs(
                repository=REPOSITORY,
                stacks=["dev", "prod"],
                region="eu-west-1",
                account_id="123456789012",
                provider_arn=provider_arn,
            )
        )
        return {stack: r.deploy.arn for stack, r in roles.items()}

    return pulumi_mocks.run_function(program)


def _policy(run: StackRun, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(run.named(name).inputs["policy"])
    return loaded


def test_each_stack_role_trusts_only_its_github_environment(pulumi_mocks: MockedPulumi) -> None:
    run = bootstrap(pulumi_mocks)
    (provider,) = run.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider.inputs["url"] == "https://token.actions.githubusercontent.com"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    for stack, environment in (
        ("dev", "dev"),
        ("prod", "prod"),
    ):
        for role_name, env in (
            (f"deploy-{stack}", environment),
            (f"preview-{stack}", f"{stack}-preview"),
        ):
            trust = json.loads(run.named(role_name).inputs["assumeRolePolicy"])
            (statement,) = trust["Statement"]
            assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
            assert statement["Principal"] == {"Federated": provider.outputs["arn"]}
            assert statement["Condition"]["StringEquals"] == {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": f"repo:{REPOSITORY}:environment:{env}",
            }


def test_an_existing_provider_is_reused(pulumi_mocks: MockedPulumi) -> None:
    arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    run = bootstrap(pulumi_mocks, provider_arn=arn)
    assert run.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider") == []
    trust = json.loads(run.named("deploy-prod").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Federated": arn}


def test_the_deploy_role_is_scoped_and_cannot_touch_users_keys_or_itself(
    pulumi_mocks: MockedPulumi,
) -> None:
    run = bootstrap(pulumi_mocks)
    policy = _policy(run, "deploy-prod-policy")
    statements = {s["Sid"]: s for s in policy["Statement"]}
    services = statements["ProjectServicesInItsRegions"]
    assert services["Condition"] == {
        "StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}
    }
    assert not [a for a in services["Action"] if a.startswith(("iam:", "sts:", "organizations:"))]
    iam_actions = {
        action
        for s in policy["Statement"]
        for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        if action.startswith("iam:")
    }
    assert not [a for a in iam_actions if "User" in a or "AccessKey" in a or "OpenIDConnect" in a]
    for sid in ("ProjectRoles", "PassProjectRolesToTheirServices"):
        for resource in statements[sid]["Resource"]:
            assert resource.startswith("arn:aws:iam::123456789012:role/")
            assert not resource.endswith("role/*")
            # Not its own role: doc-agent-deploy-* matches no project prefix
            assert not "doc-agent-deploy-prod".startswith(resource.rsplit("/", 1)[1][:-1])
    assert statements["PassProjectRolesToTheirServices"]["Condition"]["StringEquals"][
        "iam:PassedToService"
    ]
    preview = run.named("preview-prod-read-only")
    assert preview.inputs["policyArn"] == "arn:aws:iam::aws:policy/ReadOnlyAccess"


# The IAM service prefix of each Pulumi module whose resources the program creates.
_MODULE_SERVICE = {"cognito": "cognito-idp", "iam": "iam"}
_CLOUDWATCH_SERVICE = {"eventRule": "events", "eventTarget": "events", "logGroup": "logs"}


def _service_of(resource_type: str) -> str:
    module, kind = resource_type.split(":")[1].split("/")
    if module == "cloudwatch":
        if kind.startswith("logDelivery") or kind in _CLOUDWATCH_SERVICE:
            return _CLOUDWATCH_SERVICE.get(kind, "logs")
        return "cloudwatch"
    return _MODULE_SERVICE.get(module, module)


@pytest.mark.parametrize("stack_name", ["dev", "prod"])
def test_the_deploy_role_covers_what_the_real_program_creates(stack_name: str) -> None:
    # Given the real program under mocks (as tests/infra runs it)
    run = MockedPulumi().run(stack_name)
    custom = [r for r in run.resources if r.custom and r.type.startswith("aws:")]
    # Then each resource's service is one the role may use
    services = {_service_of(r.type) for r in custom}
    assert services - {"iam"} <= set(SERVICES), services - set(SERVICES)
    # And every role the program creates has a name the role may manage and pass
    for role in [r for r in custom if r.type == ROLE]:
        assert role.name.startswith(PROJECT_ROLE_PREFIXES), role.name
