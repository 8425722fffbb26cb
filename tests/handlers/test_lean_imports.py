"""A package registered with its `__init__` deferred loads only the submodules asked for, and
still gives every importer every name its `__init__` defines."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.core.runtime.lean_imports import defer_package_init

INIT = """
from .events import Event
from shop.resolvers import (
    RestResolver,
    Response as RestResponse,  # a renamed export
)
from . import heavy
from .decorate import decorate  # a submodule and the function it exports, one name

ADDED_BY_INIT = "only the real __init__ defines this"
"""
FILES = {
    "events.py": "class Event: ...\n",
    "resolvers.py": "from shop import Event\nclass RestResolver: ...\nclass Response: ...\n",
    "heavy.py": "LOADED = True\n",
    "decorate.py": "def decorate(function):\n    return function\n",
}


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text(INIT)
    for name, text in FILES.items():
        (package / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "shop"
    for name in [name for name in sys.modules if name == "shop" or name.startswith("shop.")]:
        del sys.modules[name]


def test_a_submodule_loads_alone_and_reads_the_packages_names_from_their_submodules(
    shop: str,
) -> None:
    defer_package_init(shop)

    resolvers = importlib.import_module("shop.resolvers")

    # `from shop import Event` inside it came from shop.events, without the __init__'s rest.
    assert resolvers.Event is importlib.import_module("shop.events").Event
    assert "shop.heavy" not in sys.modules
    package = sys.modules[shop]
    assert package.RestResponse is resolvers.Response
    assert "shop.heavy" not in sys.modules


def test_any_other_name_runs_the_real_init_in_the_same_module(shop: str) -> None:
    defer_package_init(shop)
    package = sys.modules[shop]

    from shop import ADDED_BY_INIT  # type: ignore[import-not-found]

    assert ADDED_BY_INIT.startswith("only the real")
    assert sys.modules[shop] is package
    assert "shop.heavy" in sys.modules
    assert package.RestResolver is importlib.import_module("shop.resolvers").RestResolver


def test_a_package_already_imported_is_left_as_it_is(shop: str) -> None:
    imported = importlib.import_module(shop)

    defer_package_init(shop)

    assert sys.modules[shop] is imported
    assert "shop.heavy" in sys.modules


def test_a_star_import_gets_every_name_the_init_exports(shop: str) -> None:
    defer_package_init(shop)

    names: dict[str, object] = {}
    exec("from shop import *", names)  # noqa: S102 (the statement under test)

    assert {"Event", "RestResolver", "RestResponse", "ADDED_BY_INIT"} <= set(names)


def test_a_name_that_is_also_a_submodule_is_what_the_init_exports(shop: str) -> None:
    # Powertools' `data_classes` exports the `event_source` decorator from its
    # `event_source` module: `from ... import event_source` must give the decorator.
    defer_package_init(shop)

    from shop import decorate

    assert callable(decorate)
    assert decorate is importlib.import_module("shop.decorate").decorate
    assert sys.modules[shop].decorate is decorate
