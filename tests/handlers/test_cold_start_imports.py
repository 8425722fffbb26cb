"""The `api` function imports only what it uses: cold starts pay for every import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "openai", "pypdfium2", "docx", "selectolax", "lxml")


def modules_after_import(module: str) -> set[str]:
    code = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(result.stdout))


def test_api_function_does_not_import_heavy_libraries():
    loaded = modules_after_import("handlers.api")

    assert not [name for name in HEAVY if name in loaded]


def test_ingest_function_defers_extractors_until_a_file_needs_them():
    loaded = modules_after_import("handlers.ingest")

    assert not [name for name in ("pypdfium2", "docx", "selectolax", "openai") if name in loaded]
