"""Documents as the API shows them and as the table stores them.

`Document` is the public shape (camelCase JSON, the API contract). `DocumentRecord` is
the stored item: the public fields plus what only the code needs (owner, raw object key,
the embedding model the chunks were embedded with). Both validate a DynamoDB item
directly: attribute names are the camelCase field aliases.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

MAX_NAME_LENGTH = 255


class DocumentStatus(StrEnum):
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"


class CamelModel(BaseModel):
    # defer_build: a schema is built by the first request that validates with it, not at
    # import, so a cold start pays only for its own route's models (docs/benchmarks.md).
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, defer_build=True
    )


class Document(CamelModel):
    document_id: str = Field(description="Time-ordered id (26 chars, Crockford base32).")
    name: str
    content_type: str
    size: int = Field(
        description="Size in bytes: as declared when created, the stored file's once processed."
    )
    status: DocumentStatus
    failure_reason: str | None = Field(default=None, description="Why ingestion failed.")
    pages: int | None = None
    chunks: int | None = None
    characters: int | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime


class DocumentRecord(Document):
    """The stored item: what the API shows plus owner, raw key and embedding metadata."""

    model_config = ConfigDict(extra="ignore")

    user_id: str
    raw_key: str
    embedding_model: str | None = None
    embedding_dimensions: int | None = None
    # The version of the derived files' layout (`handlers.core.derived.FORMAT_VERSION`);
    # None for documents ingested before it was recorded (format 1).
    derived_format: int | None = None

    def public(self) -> Document:
        return Document.model_validate(self.model_dump(include=set(Document.model_fields)))


# --- requests and responses ------------------------------------------------------------


class CreateDocumentRequest(CamelModel):
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, description="File name.")
    content_type: str = Field(min_length=1, max_length=200)
    size: int = Field(description="Size in bytes of the file to upload.")


class UploadForm(CamelModel):
    """A presigned POST: send `fields` and then the file as multipart form data to `url`."""

    url: str
    fields: dict[str, str]
    expires_at: datetime


class CreateDocumentResponse(CamelModel):
    document: Document
    upload: UploadForm


class DocumentPage(CamelModel):
    items: list[Document]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null on the last."
    )


class DocumentDetails(CamelModel):
    document: Document
    download_url: str | None = Field(
        default=None, description="Short-lived URL of the original file; only when READY."
    )


class DocumentPart(CamelModel):
    """One page (PDF) or heading section (other formats) of a document's extracted text:
    what a citation's `part` names, and where its `start`/`end` offsets point."""

    document_id: str
    part: int = Field(description="1-based index of the part in the document.")
    page: int | None = Field(default=None, description="The page, for formats with pages.")
    page_label: str | None = Field(
        default=None, description="The page label printed in the PDF, where it has one."
    )
    section: str | None = Field(default=None, description="The heading path of the section.")
    text: str = Field(description="The part's text, as the document was indexed.")
