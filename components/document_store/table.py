"""The single DynamoDB table: every item of a user under `USER#{sub}` (handlers' layout)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.document_store.definitions import TABLE_BILLING_MODE
from components.document_store.scope import StoreScope
from handlers.core.contracts import layout


def create_table(
    scope: StoreScope, *, key_arn: pulumi.Input[str], deletion_protection: bool
) -> aws.dynamodb.Table:
    return aws.dynamodb.Table(
        f"{scope.name}-table",
        billing_mode=TABLE_BILLING_MODE,
        hash_key=layout.PARTITION_KEY,
        range_key=layout.SORT_KEY,
        attributes=[{"name": name, "type": kind} for name, kind in layout.KEY_ATTRIBUTES],
        point_in_time_recovery={"enabled": True},
        server_side_encryption={"enabled": True, "kms_key_arn": key_arn},
        ttl={"attribute_name": layout.TTL_ATTRIBUTE, "enabled": True},
        deletion_protection_enabled=deletion_protection,
        tags=scope.tags,
        opts=scope.data,
    )
