"""boto3 clients for the ops commands: the stack's region, and an endpoint for tests or the
local stack (moto); credentials come from the usual chain (the pipeline's OIDC role)."""

from __future__ import annotations

from typing import Any

import boto3


def client(service: str, region: str, endpoint_url: str | None = None) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=endpoint_url)


def table(name: str, region: str, endpoint_url: str | None = None) -> Any:
    return boto3.resource("dynamodb", region_name=region, endpoint_url=endpoint_url).Table(name)
