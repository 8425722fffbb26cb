"""Each function's role policy, built by `components/agent_api/permissions.py` exactly as the
program builds it, and the check of recorded calls against it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from components.agent_api import permissions
from components.agent_api.dead_letters import dead_letters_policy
from tests.iam.actions import Request, Store, platform_requests, requests_for
from tests.iam.evaluator import allowed
from tests.iam.recorder import Call
from tests.infra.program import resolve


def role_policies(store: Store) -> dict[str, dict[str, Any]]:
    """The four role policies with the store's ARNs, Outputs resolved to plain strings."""
    access = permissions.StoreAccess(
        table_arn=store.table_arn,
        bucket_arn=store.bucket_arn,
        key_arn=store.key_arn,
        queue_arn=store.queue_arn,
    )
    built = {
        "api": permissions.api_policy(access, store.log_group_arn("api")),
        "ingest": permissions.ingest_policy(
            access, store.log_group_arn("ingest"), store.secret_arn
        ),
        "agent": permissions.agent_policy(access, store.log_group_arn("agent"), store.secret_arn),
        "dead_letters": dead_letters_policy(
            access, store.log_group_arn("dead_letters"), store.dlq_arn
        ),
    }
    return {function: dict(resolve(policy)) for function, policy in built.items()}


@dataclass(frozen=True)
class Denied:
    """A request some call (or the Lambda service, `call="platform"`) makes that the role
    does not allow."""

    function: str
    call: str
    request: Request

    def __str__(self) -> str:
        return f"{self.function} role denies {self.request} (needed by {self.call})"


def denied_requests(
    calls: Iterable[Call], policies: dict[str, dict[str, Any]], store: Store
) -> list[Denied]:
    """Every distinct request the roles do not allow, in call order."""
    needed: list[tuple[str, str, Request]] = [
        (function, "platform", request)
        for function in policies
        for request in platform_requests(function, store)
    ]
    for call in calls:
        needed += [
            (call.function, f"{call.service}.{call.operation}", request)
            for request in requests_for(call, store)
        ]
    found: dict[Denied, None] = {}
    for function, call_name, request in needed:
        if not allowed(policies[function], request):
            found[Denied(function, call_name, request)] = None
    return list(found)
