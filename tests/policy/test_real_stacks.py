"""Both real stacks (dev, prod) pass every guardrail, and every guardrail has something to check."""

from __future__ import annotations

from policy.doc_agent_guardrails import rules
from policy.doc_agent_guardrails.policies import RESOURCE_RULES, STACK_RULES, ResourceCheck
from policy.doc_agent_guardrails.stack_rules import BUCKETS, buckets_fully_guarded
from policy.doc_agent_guardrails.taggable import takes_tags
from tests.infra.program import StackRun
from tests.policy.conftest import stack_resources

# The type each resource rule is about: the stacks must declare it, or passing proves nothing.
TARGETS: dict[ResourceCheck, str] = {
    rules.public_access_blocked: rules.PUBLIC_ACCESS_BLOCK,
    rules.queue_encrypted: rules.QUEUE,
    rules.table_protected: rules.TABLE,
    rules.key_rotates: rules.KMS_KEY,
    rules.function_guarded: rules.FUNCTION,
    rules.log_group_guarded: rules.LOG_GROUP,
    rules.role_policy_least_privilege: rules.ROLE_POLICY,
    rules.method_authorized: rules.METHOD,
    rules.distribution_https_only: rules.DISTRIBUTION,
}


def test_every_resource_passes_every_resource_rule(stack: StackRun) -> None:
    # Given each resource's props as the engine passes them, When every rule runs on them
    found = [
        f"{rule.name} {resource.name}: {message}"
        for resource in stack.resources
        for rule in RESOURCE_RULES
        for message in rule.check(resource.type, resource.inputs)
    ]
    # Then nothing is reported
    assert found == []


def test_the_stack_passes_every_stack_rule(stack: StackRun) -> None:
    resources = stack_resources(stack)
    assert [message for rule in STACK_RULES for message in rule.check(resources)] == []


def test_each_rule_has_resources_to_check(stack: StackRun) -> None:
    declared = {resource.type for resource in stack.resources}
    for rule in RESOURCE_RULES:
        if rule.check is not rules.cost_tags:
            assert TARGETS[rule.check] in declared, rule.name
    assert declared & BUCKETS
    assert sum(takes_tags(token) for token in declared) >= 15


def test_every_bucket_is_judged_not_skipped(stack: StackRun) -> None:
    # The stack rule skips a bucket whose name it cannot read; here every bucket is named, so
    # removing all attachments must report each bucket three times.
    buckets = [r for r in stack.resources if r.type in BUCKETS]
    bare = [
        (token, name, props) for token, name, props in stack_resources(stack) if token in BUCKETS
    ]
    assert len(buckets_fully_guarded(bare)) == 3 * len(buckets)
