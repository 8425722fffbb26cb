"""The sweeper function's settings, parsed once from its environment.

The deadlines come from the settings the other functions run with (the upload URL's
lifetime, the ingest worker's timeout) plus a margin, so a document is only swept once no
upload or delivery can still be under way.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from handlers.core.contracts.layout import MAX_RECEIVE_COUNT, visibility_timeout_seconds
from handlers.core.runtime.settings import StorageSettings

DEFAULT_MARGIN_SECONDS = 900


class SweeperSettings(StorageSettings):
    """The `sweeper` function: the table to sweep, the queue to re-enqueue to, the deadlines."""

    queue_url: str = Field(alias="QUEUE_URL", min_length=1)
    upload_url_ttl_seconds: int = Field(alias="UPLOAD_URL_TTL_SECONDS", default=900, gt=0)
    ingest_timeout_seconds: int = Field(alias="INGEST_TIMEOUT_SECONDS", gt=0, le=900)
    margin_seconds: int = Field(alias="SWEEP_MARGIN_SECONDS", default=DEFAULT_MARGIN_SECONDS, ge=0)
    max_requeues: int = Field(alias="SWEEP_MAX_REQUEUES", default=1, ge=0, le=5)

    @property
    def upload_deadline(self) -> timedelta:
        """After this long without its file, a PENDING document's upload never arrived."""
        return timedelta(seconds=self.upload_url_ttl_seconds + self.margin_seconds)

    @property
    def processing_deadline(self) -> timedelta:
        """After this long since its file arrived (or its last re-enqueue), ingestion is stuck.

        A message is received at most MAX_RECEIVE_COUNT times and each failed delivery waits
        out the queue's visibility timeout before the next, so by then every delivery has
        finished or timed out and the message is in the DLQ.
        """
        visibility = visibility_timeout_seconds(self.ingest_timeout_seconds)
        return timedelta(seconds=visibility * MAX_RECEIVE_COUNT + self.margin_seconds)
