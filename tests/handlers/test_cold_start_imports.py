"""Each function imports only what it uses at cold start: every import is paid for there.

The `api` function needs no numpy, extractor, model client or BM25 code; the ingest worker
imports the BM25 writer with its derived files but loads no extractor until a file needs
it and no `openai` until a provider does; the agent loads `openai` with its provider and
retrieval (numpy) with the first question.
"""

from __future__ import annotations

from tests.support.imports import modules_after_import

EXTRACTORS = ("pypdfium2", "docx", "selectolax", "lxml")
BM25_MODULES = ("handlers.core.derived.lexical", "handlers.core.derived.lexical_file")


def test_api_function_does_not_import_heavy_libraries():
    loaded = modules_after_import("handlers.api")

    assert not [name for name in ("numpy", "openai", *EXTRACTORS, *BM25_MODULES) if name in loaded]


def test_ingest_function_defers_extractors_and_the_model_client():
    loaded = modules_after_import("handlers.ingest")

    assert "handlers.core.derived.writer" in loaded
    assert set(BM25_MODULES) <= loaded
    # It writes statistics; scoring them is the agent's job
    assert "handlers.core.retrieval.bm25" not in loaded
    assert not [name for name in ("openai", *EXTRACTORS) if name in loaded]


def test_agent_function_defers_the_model_client_and_retrieval():
    # Listing, reading and deleting conversations need neither: the first question loads them.
    loaded = modules_after_import("handlers.agent")

    heavy = ("openai", "numpy", "handlers.core.retrieval.bm25", *EXTRACTORS, *BM25_MODULES)
    assert not [name for name in heavy if name in loaded]
