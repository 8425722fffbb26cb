"""The part route's use case: the page or section of a document a citation opens."""

from __future__ import annotations

from handlers.core.derived.part_reader import PartReader
from handlers.core.documents.models import DocumentPart, DocumentStatus
from handlers.core.documents.table import DocumentTable
from handlers.core.http.errors import NotFoundError
from handlers.core.ids import is_valid_id


def get_document_part(
    documents: DocumentTable, reader: PartReader, user_id: str, document_id: str, number: int
) -> DocumentPart:
    """404 when the document is missing, another user's, not READY, or stored in the old
    format (no parts): the site then shows the citation's excerpt alone."""
    record = documents.get(user_id, document_id) if is_valid_id(document_id) else None
    if record is None or record.status is not DocumentStatus.READY:
        raise NotFoundError("Document not found.", code="document_not_found")
    part = reader.read(user_id, document_id, number)
    if part is None:
        raise NotFoundError("This part of the document is not available.", code="part_not_found")
    return DocumentPart(
        document_id=document_id,
        part=part.number,
        page=part.page,
        page_label=part.page_label,
        section=part.section,
        text=part.text,
    )
