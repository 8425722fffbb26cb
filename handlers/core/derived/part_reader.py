"""One part (page or section) of a READY document's derived text, for the citation view.

JSON only (no numpy): the `agent` function serves the part route without loading
retrieval. Documents stored in format 1 have no parts: None, like a missing document.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from handlers.core.contracts.layout import passages_key
from handlers.core.derived.passage import Part
from handlers.core.derived.passages_file import PassagesFileError, read_parts
from handlers.core.derived.s3_objects import get_object

logger = Logger(child=True)


class PartReader:
    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def read(self, user_id: str, document_id: str, number: int) -> Part | None:
        found = get_object(self._s3, self._bucket, passages_key(user_id, document_id))
        if found is None:
            return None
        try:
            parts = read_parts(found[0])
        except PassagesFileError:
            logger.warning("unreadable passages file", document_id=document_id)
            return None
        return parts[number - 1] if 1 <= number <= len(parts) else None
