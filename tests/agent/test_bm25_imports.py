"""The BM25 writer and reader keep the cold-import guards: the `api` function imports
neither them nor numpy, and the ingest worker still loads no extractor or `openai` until
a file or a provider needs it (it now imports the BM25 writer with its derived files)."""

from __future__ import annotations

from tests.support.imports import modules_after_import

BM25_MODULES = ("handlers.core.retrieval.bm25", "handlers.core.retrieval.bm25_file")


def test_api_function_imports_no_bm25_code_and_no_numpy() -> None:
    loaded = modules_after_import("handlers.api")

    assert not [name for name in (*BM25_MODULES, "numpy") if name in loaded]


def test_ingest_function_loads_the_bm25_writer_but_no_extractor_or_openai() -> None:
    loaded = modules_after_import("handlers.ingest")

    assert "handlers.core.documents.derived" in loaded
    assert set(BM25_MODULES) <= loaded
    assert not [name for name in ("pypdfium2", "docx", "selectolax", "openai") if name in loaded]
