"""The documents use cases behind the `api` routes, one function each.

Each takes the caller's user id (from the verified token, never the request) and the
data-access objects; another user's document is indistinguishable from a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from handlers.core.clock import utc_now
from handlers.core.contracts.layout import raw_key
from handlers.core.documents.files import DocumentFiles
from handlers.core.documents.models import (
    CreateDocumentRequest,
    CreateDocumentResponse,
    DocumentDetails,
    DocumentPage,
    DocumentRecord,
    DocumentStatus,
    UploadForm,
)
from handlers.core.documents.table import DocumentTable
from handlers.core.documents.upload_rules import check_upload
from handlers.core.http.errors import NotFoundError
from handlers.core.ids import is_valid_id, new_id
from handlers.core.runtime.settings import UploadSettings

logger = Logger(child=True)


@dataclass(frozen=True)
class DocumentsContext:
    """What the use cases need: data access and the upload limits."""

    table: DocumentTable
    files: DocumentFiles
    settings: UploadSettings


def create_document(
    ctx: DocumentsContext,
    user_id: str,
    request: CreateDocumentRequest,
    *,
    now: datetime | None = None,
) -> CreateDocumentResponse:
    """Validate the request, store a PENDING item and hand out a presigned POST."""
    name, content_type = check_upload(request, max_bytes=ctx.settings.max_upload_bytes)
    moment = now or utc_now()
    document_id = new_id(int(moment.timestamp() * 1000))
    record = DocumentRecord(
        document_id=document_id,
        name=name,
        content_type=content_type,
        size=request.size,
        status=DocumentStatus.PENDING,
        created_at=moment,
        updated_at=moment,
        user_id=user_id,
        raw_key=raw_key(user_id, document_id, name),
    )
    ctx.table.put_new(record)
    ttl = ctx.settings.upload_url_ttl_seconds
    url, fields = ctx.files.presign_upload(
        record.raw_key,
        content_type=content_type,
        size=request.size,
        expires_in=ttl,
    )
    logger.info("document created", document_id=document_id, content_type=content_type)
    return CreateDocumentResponse(
        document=record.public(),
        upload=UploadForm(url=url, fields=fields, expires_at=moment + timedelta(seconds=ttl)),
    )


def list_documents(
    ctx: DocumentsContext, user_id: str, *, limit: int, cursor: str | None
) -> DocumentPage:
    records, next_cursor = ctx.table.list_page(user_id, limit=limit, cursor=cursor)
    return DocumentPage(items=[record.public() for record in records], next_cursor=next_cursor)


def find_document(ctx: DocumentsContext, user_id: str, document_id: str) -> DocumentRecord:
    """The caller's document; a malformed, missing or foreign id raises NotFoundError."""
    record = ctx.table.get(user_id, document_id) if is_valid_id(document_id) else None
    if record is None:
        raise NotFoundError("Document not found.")
    return record


def get_document(ctx: DocumentsContext, user_id: str, document_id: str) -> DocumentDetails:
    record = find_document(ctx, user_id, document_id)
    download_url = None
    if record.status is DocumentStatus.READY:
        download_url = ctx.files.presign_download(
            record.raw_key,
            filename=record.name,
            content_type=record.content_type,
            expires_in=ctx.settings.download_url_ttl_seconds,
        )
    return DocumentDetails(document=record.public(), download_url=download_url)


def delete_document(ctx: DocumentsContext, user_id: str, document_id: str) -> None:
    """Delete every object version, then the item (last, so a failed delete can be redone)."""
    record = find_document(ctx, user_id, document_id)
    deleted = ctx.files.delete_document_objects(user_id, record.document_id)
    ctx.table.delete(user_id, record.document_id)
    logger.info("document deleted", document_id=record.document_id, object_versions=deleted)
