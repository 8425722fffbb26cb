"""The pulumi_policy wrappers call their rules with the engine's props, and the pack's entry point
builds a mandatory pack of all of them.

`PolicyPack(...)` starts a gRPC server and serves until killed, so the entry point runs here with
a recording stand-in for it.
"""

from __future__ import annotations

import copy
import runpy
from pathlib import Path
from typing import Any

import pulumi_policy
import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from policy.doc_agent_guardrails.policies import (
    RESOURCE_RULES,
    STACK_RULES,
    guardrail_policies,
)
from policy.doc_agent_guardrails.values import UNKNOWN
from tests.infra.program import ROOT, StackRun
from tests.infra.pulumi_mocks import Registered
from tests.policy.conftest import DROP, mutated, stack_resources

PACK = ROOT / "policy"

# One real resource per rule and a change that breaks that rule.
BREAKS: dict[str, tuple[str, dict[str, Any]]] = {
    "s3-public-access-block-complete": (
        "store-documents-public-access",
        {"blockPublicPolicy": False},
    ),
    "sqs-encrypted": ("store-ingest-dlq", {"kmsMasterKeyId": DROP}),
    "dynamodb-pitr-and-kms": ("store-table", {"pointInTimeRecovery": DROP}),
    "kms-key-rotation": ("store-key", {"enableKeyRotation": False}),
    "lambda-runtime-tracing-logs": ("agent-api-api", {"runtime": "python3.9"}),
    "log-group-retention-and-kms": ("agent-api-api-logs", {"kmsKeyId": DROP}),
    "iam-inline-least-privilege": (
        "agent-api-api-policy",
        {"policy": '{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:s3"}}'},
    ),
    "api-methods-authorized": ("agent-api-documents-post", {"authorization": "NONE"}),
    "cost-allocation-tags": ("store-ingest", {"tags": {"project": "doc-agent", "stack": "dev"}}),
    "cloudfront-https-only": (
        "site-cdn",
        {"defaultCacheBehavior": {"viewerProtocolPolicy": "allow-all"}},
    ),
}


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def _resource_args(resource: Registered, props: dict[str, Any]) -> ResourceValidationArgs:
    # The engine hands policies its props behind a proxy that raises on unknown values.
    return ResourceValidationArgs(
        resource.type,
        unknown_checking_proxy(props),
        resource.urn,
        resource.name,
        _options(),
        None,
    )


class Reports:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []

    def __call__(self, message: str, urn: str | None = None) -> None:
        self.seen.append((message, urn))


def test_the_pack_holds_one_policy_per_rule_with_unique_names() -> None:
    policies = guardrail_policies()
    names = [p.name for p in policies]
    assert len(set(names)) == len(names) == len(RESOURCE_RULES) + len(STACK_RULES)
    assert set(BREAKS) == {rule.name for rule in RESOURCE_RULES}
    assert all(p.description for p in policies)


@pytest.mark.parametrize("rule", RESOURCE_RULES, ids=lambda rule: rule.name)
def test_each_resource_policy_reports_what_its_rule_finds(stack: StackRun, rule: Any) -> None:
    # Given a real resource broken for this rule, behind the engine's proxy
    (policy,) = [p for p in guardrail_policies() if p.name == rule.name]
    assert isinstance(policy, ResourceValidationPolicy)
    name, changes = BREAKS[rule.name]
    resource = stack.named(name)
    props = mutated(resource, **changes)
    expected = rule.check(resource.type, props)
    assert expected
    # When the policy validates it
    reports = Reports()
    policy.validate(_resource_args(resource, props), reports)
    # Then it reports the rule's messages against that resource
    assert reports.seen == [(f"{name}: {message}", resource.urn) for message in expected]
    # And the unbroken resource passes
    clean = Reports()
    policy.validate(_resource_args(resource, mutated(resource)), clean)
    assert clean.seen == []


def test_unknown_values_reach_the_rules_as_unknown_not_as_errors(stack: StackRun) -> None:
    # Given a preview where the queue's key and the function's runtime are not known yet
    (queue_policy,) = [p for p in guardrail_policies() if p.name == "sqs-encrypted"]
    (function_policy,) = [
        p for p in guardrail_policies() if p.name == "lambda-runtime-tracing-logs"
    ]
    assert isinstance(queue_policy, ResourceValidationPolicy)
    assert isinstance(function_policy, ResourceValidationPolicy)
    queue, function = stack.named("store-ingest"), stack.named("agent-api-agent")
    reports = Reports()
    # When the policies read them through the engine's proxy (which raises on unknown reads)
    queue_policy.validate(_resource_args(queue, mutated(queue, kmsMasterKeyId=UNKNOWN)), reports)
    function_policy.validate(_resource_args(function, mutated(function, runtime=UNKNOWN)), reports)
    # Then nothing is reported and nothing raises
    assert reports.seen == []


def test_the_stack_policy_reports_what_the_bucket_rule_finds(stack: StackRun) -> None:
    # Given the stack as the engine passes it, without the documents bucket's public access block
    (policy,) = [p for p in guardrail_policies() if isinstance(p, StackValidationPolicy)]
    dropped = stack.named("store-documents-public-access").urn
    resources = [
        PolicyResource(
            r.type,
            unknown_checking_proxy(copy.deepcopy(r.outputs)),
            r.urn,
            r.name,
            _options(),
            None,
            None,
            [],
            {},
        )
        for r in stack.resources
        if r.urn != dropped
    ]
    # When the stack policy validates it
    reports = Reports()
    policy.validate(StackValidationArgs(resources), reports)
    # Then it reports the bucket rule's one finding, for the stack as a whole
    expected = STACK_RULES[0].check(
        [
            entry
            for r, entry in zip(stack.resources, stack_resources(stack), strict=True)
            if r.urn != dropped
        ]
    )
    assert len(expected) == 1
    assert "store-documents has no public access block" in expected[0]
    assert reports.seen == [(expected[0], None)]


def test_the_entry_point_builds_a_mandatory_pack_of_every_guardrail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given PolicyPack replaced by a recorder (the real one serves gRPC until killed)
    built: list[dict[str, Any]] = []

    def record(name: str, **kwargs: Any) -> None:
        built.append({"name": name, **kwargs})

    monkeypatch.setattr(pulumi_policy, "PolicyPack", record)
    # When the CLI's way of running a pack runs the directory: only the pack's root on sys.path
    monkeypatch.syspath_prepend(str(PACK))
    runpy.run_path(str(PACK), run_name="__main__")
    # Then one mandatory pack holds every guardrail
    (pack,) = built
    assert pack["name"] == "doc-agent-guardrails"
    assert pack["enforcement_level"] is EnforcementLevel.MANDATORY
    assert [p.name for p in pack["policies"]] == [p.name for p in guardrail_policies()]


def _pins(path: Path) -> dict[str, str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return dict(line.split("==") for line in lines if "==" in line)


def test_the_pack_pins_what_the_project_venv_holds() -> None:
    # The pack runs in the project's virtualenv (PulumiPolicy.yaml): its pins must agree.
    assert "virtualenv: ../.venv" in (PACK / "PulumiPolicy.yaml").read_text()
    pack = _pins(PACK / "requirements.txt")
    project = _pins(ROOT / "requirements.txt") | _pins(ROOT / "requirements-dev.txt")
    assert pack["pulumi-policy"] == "1.21.0"
    assert {name: project.get(name) for name in pack} == pack


def test_the_pack_never_imports_the_program() -> None:
    sources = [path.read_text() for path in PACK.rglob("*.py")]
    assert len(sources) >= 5
    assert not [s for s in sources if "import components" in s or "from components" in s]
