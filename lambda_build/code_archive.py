"""Which files make up a function's code archive: the handler modules it can import.

Starting from `handlers/{function}.py`, every `handlers.*` import is followed — at module
level or inside a function (the handlers import their AWS clients lazily) — and each
package's `__init__.py` on the way is added. So an edit to the ingest worker does not
change the api function's archive, and the api is not redeployed for it. Tests, the
requirements files and caches are never reached. The handlers use no dynamic imports
(`importlib`); a test imports each function from its extracted archive to prove the set is
complete.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

from lambda_build.errors import PackagingError

HANDLERS_PACKAGE = "handlers"


def function_sources(source_root: Path, function: str) -> list[tuple[str, Path]]:
    """`(archive name, file)` for each module `handlers.{function}` can import, sorted."""
    handler = f"{HANDLERS_PACKAGE}.{function}"
    if _module_file(source_root, handler) is None:
        raise PackagingError(
            f"function {function!r} has no handler module: "
            f"{source_root / HANDLERS_PACKAGE / function}.py"
        )
    files = _import_closure(source_root, handler)
    return sorted((path.relative_to(source_root).as_posix(), path) for path in files)


def sources_digest(entries: list[tuple[str, Path]], build_format: int, bytecode: str) -> str:
    """A digest of names, contents and the bytecode they are compiled to: it changes
    exactly when the archive would."""
    listing = [(name, hashlib.sha256(path.read_bytes()).hexdigest()) for name, path in entries]
    payload = json.dumps(
        {"format": build_format, "bytecode": bytecode, "files": listing}, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _import_closure(source_root: Path, root_module: str) -> set[Path]:
    files: set[Path] = set()
    seen: set[str] = set()
    pending = [root_module]
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
        pending.extend(".".join(parts[:end]) for end in range(1, len(parts)))
        path = _module_file(source_root, module)
        if path is None:
            continue  # `from handlers.x import name` where name is not a module
        files.add(path)
        package = module if path.name == "__init__.py" else ".".join(parts[:-1])
        pending.extend(_imported_handler_modules(path, package))
    return files


def _imported_handler_modules(path: Path, package: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            found.append(base)
            found.extend(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return [
        name
        for name in found
        if name == HANDLERS_PACKAGE or name.startswith(f"{HANDLERS_PACKAGE}.")
    ]


def _absolute(module: str | None, level: int, package: str) -> str:
    if level == 0:
        return module or ""
    parent = package.split(".")[: len(package.split(".")) - (level - 1)]
    return ".".join([*parent, module] if module else parent)


def _module_file(source_root: Path, module: str) -> Path | None:
    base = source_root.joinpath(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None
