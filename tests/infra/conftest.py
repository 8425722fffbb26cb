from __future__ import annotations

import pytest

from tests.infra.program import STACKS, MockedPulumi, StackRun


@pytest.fixture(autouse=True)
def pulumi_mocks() -> MockedPulumi:
    """Pulumi's runtime mocked afresh for every test (preview=False: outputs resolve)."""
    return MockedPulumi()


_RUNS: dict[str, StackRun] = {}


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest, pulumi_mocks: MockedPulumi) -> StackRun:
    """The real program evaluated for each stack with its real `Pulumi.<stack>.yaml`.

    A run is plain recorded data, so each stack is evaluated once per session and shared.
    """
    if request.param not in _RUNS:
        _RUNS[request.param] = pulumi_mocks.run(request.param)
    return _RUNS[request.param]
