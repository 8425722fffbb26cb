"""The `api` function imports only what it uses: cold starts pay for every import."""

from __future__ import annotations

from tests.support.imports import modules_after_import

HEAVY = ("numpy", "openai", "pypdfium2", "docx", "selectolax", "lxml")


def test_api_function_does_not_import_heavy_libraries():
    loaded = modules_after_import("handlers.api")

    assert not [name for name in HEAVY if name in loaded]


def test_ingest_function_defers_extractors_until_a_file_needs_them():
    loaded = modules_after_import("handlers.ingest")

    assert not [name for name in ("pypdfium2", "docx", "selectolax", "openai") if name in loaded]
