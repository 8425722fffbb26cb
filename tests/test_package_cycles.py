"""The packages of `handlers/core` import each other in one direction only.

Each child of `handlers/core` (a package such as `documents/`, or a root module such as
`clock.py`) is a node; an import anywhere inside one of them (module level or inside a
function, read from the source's AST) is an edge to the node it names. A cycle between
two nodes means neither can be read, tested or moved without the other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "handlers" / "core"
PREFIX = "handlers.core."


def node_of(module: str) -> str | None:
    """The child of `handlers.core` a dotted module name lies in, or None outside it."""
    if not module.startswith(PREFIX):
        return None
    return module.removeprefix(PREFIX).split(".", 1)[0]


def imported_modules(source: Path, package: str) -> Iterator[str]:
    """Every module `source` imports, as absolute dotted names (`from x import y`: x and x.y)."""
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def package_graph(core: Path) -> dict[str, set[str]]:
    """Node → the other nodes it imports."""
    graph: dict[str, set[str]] = {}
    for source in core.rglob("*.py"):
        relative = source.relative_to(core.parents[1]).with_suffix("")
        module = ".".join(relative.parts)
        package = module if source.name == "__init__.py" else module.rsplit(".", 1)[0]
        package = package.removesuffix(".__init__")
        own = node_of(module)
        if own is None or own == "__init__":
            continue
        targets = {node_of(name) for name in imported_modules(source, package)}
        graph.setdefault(own, set()).update(
            target for target in targets if target and target != own and exists(core, target)
        )
    return graph


def exists(core: Path, node: str) -> bool:
    """`from handlers.core import x` names a node only when x is a package or module."""
    return (core / node).is_dir() or (core / f"{node}.py").is_file()


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One cycle as a path `[a, b, …, a]`, or None when the graph is acyclic."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_handlers_core_packages_form_no_cycle() -> None:
    graph = package_graph(CORE)
    assert {"contracts", "http", "ingest", "documents", "conversations"} <= graph.keys()
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])


def test_contracts_import_nothing_else_from_handlers() -> None:
    # The Pulumi program imports contracts/: it must not load handler code through them.
    assert package_graph(CORE)["contracts"] == set()


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": set(), "c": {"a", "b"}}, None),
    ],
)
def test_find_cycle_names_the_loop(graph: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle


def test_an_import_inside_a_function_counts(tmp_path: Path) -> None:
    core = tmp_path / "handlers" / "core"
    for package, body in {
        "one": "def late() -> None:\n    from handlers.core.two import thing\n",
        "two": "from ..one import late\n",
    }.items():
        (core / package).mkdir(parents=True)
        (core / package / "__init__.py").write_text("")
        (core / package / "mod.py").write_text(body)
    assert find_cycle(package_graph(core)) == ["one", "two", "one"]


def _imports_under(folder: Path) -> dict[str, set[str]]:
    """Each module under `folder` (relative path) → the modules it imports."""
    root = folder.parent
    found: dict[str, set[str]] = {}
    for source in folder.rglob("*.py"):
        module = ".".join(source.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        package = module if source.name == "__init__.py" else module.rsplit(".", 1)[0]
        found[str(source.relative_to(root))] = set(imported_modules(source, package))
    return found


# What the Pulumi program may load from the handlers: the contracts, and API Gateway's own
# answers in the API's error shape (the gateway's response templates).
COMPONENT_IMPORTS_FROM_HANDLERS = ("handlers.core.contracts", "handlers.core.http.gateway_errors")


def test_components_import_only_the_contracts_from_the_handlers() -> None:
    repo = CORE.parents[1]
    for source, modules in _imports_under(repo / "components").items():
        from_handlers = {name for name in modules if name.split(".")[0] == "handlers"}
        stray = {
            name for name in from_handlers if not name.startswith(COMPONENT_IMPORTS_FROM_HANDLERS)
        }
        assert not stray, f"{source} imports {sorted(stray)}"


def test_the_build_tooling_imports_no_component_or_handler() -> None:
    repo = CORE.parents[1]
    for source, modules in _imports_under(repo / "lambda_build").items():
        assert not {name for name in modules if name.split(".")[0] in ("components", "handlers")}, (
            source
        )
