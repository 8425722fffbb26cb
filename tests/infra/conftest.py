from __future__ import annotations

import pytest

from tests.infra.program import STACKS, MockedPulumi, StackRun


@pytest.fixture(autouse=True)
def pulumi_mocks() -> MockedPulumi:
    """Pulumi's runtime mocked afresh for every test (preview=False: outputs resolve)."""
    return MockedPulumi()


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest, pulumi_mocks: MockedPulumi) -> StackRun:
    """The real program evaluated for each stack with its real `Pulumi.<stack>.yaml`."""
    return pulumi_mocks.run(request.param)
