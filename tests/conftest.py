"""Fixtures shared by the handler suites (tests/handlers, tests/agent).

Each suite's conftest defines `aws`: its function's environment plus a fresh moto account
holding the document store (`tests.support.aws.mocked_document_store`). The fixtures here
read that account, whichever suite asks.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.support.aws import REGION, TABLE
from tests.support.lambda_context import FakeLambdaContext


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def table(aws: None) -> Any:
    """The document table (a boto3 `Table` resource)."""
    return boto3.resource("dynamodb", region_name=REGION).Table(TABLE)


@pytest.fixture
def s3_client(aws: None) -> Any:
    return boto3.client("s3", region_name=REGION)
