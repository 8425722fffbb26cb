"""During preview some props are unknown: a rule cannot judge them yet and reports nothing."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy.proxy import (
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    unknown_checking_proxy,
)

from policy.doc_agent_guardrails import rules
from policy.doc_agent_guardrails.policies import RESOURCE_RULES, plain
from policy.doc_agent_guardrails.values import is_unknown
from tests.infra.program import StackRun
from tests.policy.conftest import DROP, mutated


def test_every_rule_passes_a_resource_whose_props_are_all_unknown(stack: StackRun) -> None:
    # Given every resource with each top-level prop unknown (a fresh stack's preview, at worst)
    for resource in stack.resources:
        props = dict.fromkeys(resource.inputs, UNKNOWN_STRING_VALUE)
        # Then no rule reports it
        for rule in RESOURCE_RULES:
            assert rule.check(resource.type, props) == [], (rule.name, resource.name)


# A broken resource that becomes unjudgeable once the offending value is unknown.
CASES: list[tuple[str, str, dict[str, Any]]] = [
    (
        rules.PUBLIC_ACCESS_BLOCK,
        "store-documents-public-access",
        {"blockPublicAcls": UNKNOWN_BOOLEAN_VALUE},
    ),
    (rules.QUEUE, "store-ingest", {"kmsMasterKeyId": UNKNOWN_STRING_VALUE}),
    (rules.TABLE, "store-table", {"pointInTimeRecovery": UNKNOWN_OBJECT_VALUE}),
    (rules.TABLE, "store-table", {"pointInTimeRecovery": {"enabled": UNKNOWN_BOOLEAN_VALUE}}),
    (
        rules.TABLE,
        "store-table",
        {"serverSideEncryption": {"enabled": True, "kmsKeyArn": UNKNOWN_STRING_VALUE}},
    ),
    (rules.KMS_KEY, "store-key", {"enableKeyRotation": UNKNOWN_BOOLEAN_VALUE}),
    (rules.FUNCTION, "agent-api-api", {"runtime": UNKNOWN_STRING_VALUE}),
    (rules.FUNCTION, "agent-api-api", {"tracingConfig": UNKNOWN_OBJECT_VALUE}),
    (rules.FUNCTION, "agent-api-api", {"loggingConfig": {"logGroup": UNKNOWN_STRING_VALUE}}),
    (rules.LOG_GROUP, "agent-api-api-logs", {"retentionInDays": UNKNOWN_NUMBER_VALUE}),
    (rules.LOG_GROUP, "agent-api-api-logs", {"kmsKeyId": UNKNOWN_STRING_VALUE}),
    (rules.ROLE_POLICY, "agent-api-api-policy", {"policy": UNKNOWN_STRING_VALUE}),
    (rules.METHOD, "agent-api-documents-get", {"authorization": UNKNOWN_STRING_VALUE}),
    (rules.DISTRIBUTION, "site-cdn", {"orderedCacheBehaviors": UNKNOWN_STRING_VALUE}),
    (rules.QUEUE, "store-ingest", {"tags": UNKNOWN_OBJECT_VALUE}),
    (
        rules.QUEUE,
        "store-ingest",
        {"tags": {"project": "p", "stack": "s", "component": UNKNOWN_STRING_VALUE}},
    ),
]
# What breaks each of those resources (so the unknown value is all that saves it).
BROKEN: dict[str, dict[str, Any]] = {
    rules.PUBLIC_ACCESS_BLOCK: {"blockPublicAcls": False},
    rules.QUEUE: {"kmsMasterKeyId": DROP, "tags": {"project": "p"}},
    rules.TABLE: {"pointInTimeRecovery": DROP, "serverSideEncryption": DROP},
    rules.KMS_KEY: {"enableKeyRotation": False},
    rules.FUNCTION: {"runtime": "python3.8", "tracingConfig": DROP, "loggingConfig": DROP},
    rules.LOG_GROUP: {"retentionInDays": DROP, "kmsKeyId": DROP},
    rules.ROLE_POLICY: {"policy": '{"Statement": [{"Effect": "Allow", "Action": "*"}]}'},
    rules.METHOD: {"authorization": "NONE"},
    rules.DISTRIBUTION: {"orderedCacheBehaviors": [{"viewerProtocolPolicy": "allow-all"}]},
}


def _all_rules(token: str, props: dict[str, Any]) -> list[str]:
    return [message for rule in RESOURCE_RULES for message in rule.check(token, props)]


@pytest.mark.parametrize(("token", "name", "unknown"), CASES, ids=lambda case: str(case)[:40])
def test_an_unknown_value_is_not_a_violation(
    stack: StackRun, token: str, name: str, unknown: dict[str, Any]
) -> None:
    resource = stack.named(name)
    broken = mutated(resource, **BROKEN[token])
    before = _all_rules(token, broken)
    after = _all_rules(token, {**broken, **unknown})
    # The unknown value removes exactly the violations about it, and at least one
    assert len(after) < len(before)
    assert set(after) < set(before)


def test_plain_turns_the_engines_proxy_into_dicts_with_unknowns_marked(stack: StackRun) -> None:
    # Given a function's props as the engine passes them in a preview: a proxy over unknowns
    function = stack.named("agent-api-agent")
    raw = mutated(
        function,
        runtime=UNKNOWN_STRING_VALUE,
        layers=[UNKNOWN_STRING_VALUE],
        loggingConfig={"logGroup": UNKNOWN_STRING_VALUE, "logFormat": "JSON"},
    )
    proxy = unknown_checking_proxy(raw)
    # When it is made plain
    props = plain(proxy)
    # Then every value is there, unknowns as the sentinel, in plain dicts and lists
    assert props == raw
    assert type(props) is dict
    assert type(props["layers"]) is list
    assert type(props["loggingConfig"]) is dict
    assert is_unknown(props["runtime"])
    assert is_unknown(props["loggingConfig"]["logGroup"])
    assert rules.function_guarded(rules.FUNCTION, props) == []
