from __future__ import annotations

import pytest

from tests.infra.program import MockedPulumi


@pytest.fixture
def pulumi_mocks() -> MockedPulumi:
    return MockedPulumi()
