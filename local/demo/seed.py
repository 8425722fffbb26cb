"""Put the sample documents in the demo user's library, as an upload would.

Each gets its PENDING item (the api function's `create_document` step) and its object under
`raw/`: the bucket's notification queues it and the local ingest worker makes it READY, the
same path a document uploaded from the site takes.
"""

from __future__ import annotations

from typing import Any

from handlers.core.clock import utc_now
from handlers.core.contracts.layout import raw_key
from handlers.core.documents.models import DocumentRecord, DocumentStatus
from handlers.core.documents.table import DocumentTable
from handlers.core.ids import new_id
from local.demo.library import demo_documents


def user_sub(cognito: Any, user_pool_id: str, username: str) -> str:
    """The user's `sub`: the user id every API call is made as."""
    user = cognito.admin_get_user(UserPoolId=user_pool_id, Username=username)
    return str(next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub"))


def seed_demo_library(
    session: Any, *, table_name: str, bucket_name: str, user_pool_id: str, username: str
) -> list[str]:
    """Queue the sample documents for ingestion; returns their ids."""
    user_id = user_sub(session.client("cognito-idp"), user_pool_id, username)
    documents = DocumentTable(session.resource("dynamodb").Table(table_name))
    s3 = session.client("s3")
    ids = []
    for document in demo_documents():
        now = utc_now()
        document_id = new_id(int(now.timestamp() * 1000))
        record = DocumentRecord(
            document_id=document_id,
            name=document.name,
            content_type=document.content_type,
            size=len(document.body),
            status=DocumentStatus.PENDING,
            created_at=now,
            updated_at=now,
            user_id=user_id,
            raw_key=raw_key(user_id, document_id, document.name),
        )
        documents.put_new(record)
        s3.put_object(
            Bucket=bucket_name,
            Key=record.raw_key,
            Body=document.body,
            ContentType=document.content_type,
        )
        ids.append(document_id)
    return ids
