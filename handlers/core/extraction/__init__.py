"""Text out of an uploaded file, page by page, with reasons a user can read when it fails.

`extract_pages(data, kind, limits)` checks the real type by its magic bytes against the
type the user declared, then runs the one extractor for that type. Every failure caused
by the file itself is an `ExtractionError` (permanent: retrying cannot help) carrying a
user-readable reason and a short code for metrics.
"""

from __future__ import annotations

from handlers.core.extraction.errors import ExtractionError
from handlers.core.extraction.pages import ExtractionLimits, Page
from handlers.core.extraction.router import extract_pages

__all__ = ["ExtractionError", "ExtractionLimits", "Page", "extract_pages"]
