"""The policy pack's tests run the real program under the infra suite's mocks.

`pulumi_mocks` (autouse) and `stack` (both real stacks, evaluated once per session) are the
infra suite's own fixtures, imported so both suites share one definition and one cache.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.infra.conftest import pulumi_mocks, stack
from tests.infra.program import StackRun
from tests.infra.pulumi_mocks import Registered

__all__ = ["pulumi_mocks", "stack"]

DROP = object()
"""As a `mutated` value: remove the key."""


def mutated(resource: Registered, **changes: Any) -> dict[str, Any]:
    """A deep copy of a real resource's props (what the engine passes a resource policy) with
    top-level keys changed, or removed with DROP."""
    props = copy.deepcopy(resource.inputs)
    for key, value in changes.items():
        if value is DROP:
            props.pop(key, None)
        else:
            props[key] = value
    return props


def stack_resources(run: StackRun) -> list[tuple[str, str, dict[str, Any]]]:
    """The stack as a stack policy sees it: each resource's state after its step (outputs,
    which carry the auto-generated bucket names the attachments refer to)."""
    return [(r.type, r.name, copy.deepcopy(r.outputs)) for r in run.resources]
