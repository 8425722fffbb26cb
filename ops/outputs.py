"""A stack's outputs, as the ops commands read them.

From Pulumi (`pulumi stack output --json --stack <stack>`, the exports of `__main__.py`) or
from a JSON file of the same shape (`--outputs file.json`), e.g. the pipeline's saved copy.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class StackOutputs(BaseModel):
    """The exports the ops commands use; the rest are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    region: str
    api_url: str = Field(alias="apiUrl")
    user_pool_id: str = Field(alias="userPoolId")
    user_pool_client_id: str = Field(alias="userPoolClientId")
    table: str
    documents_bucket: str = Field(alias="documentsBucket")
    ingest_queue_url: str = Field(alias="ingestQueueUrl")
    ingest_dlq_url: str = Field(alias="ingestDlqUrl")
    site_bucket: str | None = Field(alias="siteBucket", default=None)
    site_distribution_id: str | None = Field(alias="siteDistributionId", default=None)
    function_names: dict[str, str] = Field(alias="functionNames", default_factory=dict)
    """Function key (api, agent, ingest, sweeper) → its Lambda function name."""
    cognito_endpoint: str | None = Field(alias="cognitoEndpoint", default=None)
    """Where Cognito's public API answers; None: cognito-idp.<region>.amazonaws.com."""

    @property
    def cognito_url(self) -> str:
        return self.cognito_endpoint or f"https://cognito-idp.{self.region}.amazonaws.com/"

    @property
    def health_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/health"


class OutputsError(RuntimeError):
    """The outputs could not be read; the message says from where and why."""


def load_outputs(stack: str | None = None, path: Path | None = None) -> StackOutputs:
    """From `path` when given, else from `pulumi stack output` of `stack`."""
    if path is not None:
        return StackOutputs.model_validate(json.loads(path.read_text()))
    if not stack:
        raise OutputsError("name a stack (STACK=dev) or an outputs file (--outputs)")
    return StackOutputs.model_validate(_pulumi_outputs(stack))


def _pulumi_outputs(stack: str) -> dict[str, Any]:
    try:
        found = subprocess.run(  # noqa: S603 (fixed arguments, the stack name as one)
            ["pulumi", "stack", "output", "--json", "--stack", stack],  # noqa: S607 (the CLI)
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    except FileNotFoundError as exc:
        raise OutputsError("the Pulumi CLI is not installed (or pass --outputs)") from exc
    except subprocess.CalledProcessError as exc:
        raise OutputsError(f"pulumi stack output failed: {exc.stderr.strip()}") from exc
    outputs: dict[str, Any] = json.loads(found.stdout)
    return outputs
