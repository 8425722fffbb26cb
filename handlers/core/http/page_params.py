"""The query parameters every list route takes: a page size and the cursor from the last page."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

PageLimit = Annotated[int, Query(ge=1, le=100, description="Page size.")]
PageCursor = Annotated[str | None, Query(max_length=512, description="From nextCursor.")]
DEFAULT_PAGE_LIMIT = 20
