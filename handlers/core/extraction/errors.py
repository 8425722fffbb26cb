"""The one failure type of extraction: the file cannot be turned into text, for good."""

from __future__ import annotations


class ExtractionError(Exception):
    """`reason` is shown to the user as the document's failure reason; `code` is for metrics."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
