"""The local stack's details as the outputs a deployed stack exports (ops.outputs)."""

from __future__ import annotations

from local.stack import StackInfo
from ops.outputs import StackOutputs


def outputs_of(info: StackInfo) -> StackOutputs:
    return StackOutputs(
        region=info.region,
        api_url=info.api_url,
        user_pool_id=info.user_pool_id,
        user_pool_client_id=info.user_pool_client_id,
        table=info.table_name,
        documents_bucket=info.bucket_name,
        ingest_queue_url=info.queue_url,
        ingest_dlq_url=info.dlq_url,
        cognito_endpoint=info.cognito_endpoint,
    )
