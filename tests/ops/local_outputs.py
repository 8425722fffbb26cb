"""The local stack's details (`python -m local --json`) as the outputs a deployed stack
exports (ops.outputs)."""

from __future__ import annotations

from typing import Any

from ops.outputs import StackOutputs


def outputs_of(details: dict[str, Any]) -> StackOutputs:
    return StackOutputs(
        region=details["region"],
        api_url=details["api_url"],
        user_pool_id=details["user_pool_id"],
        user_pool_client_id=details["user_pool_client_id"],
        table=details["table_name"],
        documents_bucket=details["bucket_name"],
        ingest_queue_url=details["queue_url"],
        ingest_dlq_url=details["dlq_url"],
        cognito_endpoint=details["cognito_endpoint"],
    )
