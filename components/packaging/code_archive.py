"""Which files make up the code archive: the `handlers/` package's Python sources.

Tests, the requirements files, caches and hidden folders stay out; every function gets
the same package (they share `handlers.core`), so the archive is one per function only
in name.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HANDLERS_PACKAGE = "handlers"
_EXCLUDED_DIRECTORIES = frozenset({"tests", "requirements", "__pycache__"})


def handler_sources(source_root: Path) -> list[tuple[str, Path]]:
    """`(archive name, file)` for each `.py` file of `source_root/handlers`, sorted."""
    package = source_root / HANDLERS_PACKAGE
    if not (package / "__init__.py").is_file():
        raise FileNotFoundError(f"{package} is not a Python package")
    entries = []
    for path in package.rglob("*.py"):
        relative = path.relative_to(source_root)
        folders = relative.parts[:-1]
        if any(part in _EXCLUDED_DIRECTORIES or part.startswith(".") for part in folders):
            continue
        if path.name.startswith("test_") or path.name == "conftest.py":
            continue
        entries.append((relative.as_posix(), path))
    return sorted(entries)


def sources_digest(entries: list[tuple[str, Path]], build_format: int) -> str:
    """A digest of names and contents: it changes exactly when the archive would."""
    listing = [(name, hashlib.sha256(path.read_bytes()).hexdigest()) for name, path in entries]
    payload = json.dumps({"format": build_format, "files": listing}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()
