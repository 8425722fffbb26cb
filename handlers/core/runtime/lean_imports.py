"""Powertools' REST resolver and event classes without the rest of their packages.

Python runs a package's `__init__` before any of its submodules, and two of Powertools'
import everything they hold: `event_handler/__init__` every resolver (AppSync's brings
`asyncio`, 29 modules), `utilities/data_classes/__init__` every event class (40 modules).
A function uses one resolver and one event class. Importing this module first registers
those two packages with their `__init__` not yet run, so `event_handler.api_gateway` or
`data_classes.sqs_event` loads that submodule alone (~25 ms of the api's cold start,
docs/benchmarks.md). A name looked up on such a package comes from the submodule the
package's own `__init__` imports it from; any name the `__init__` does not import from a
submodule (or any lookup once the source cannot be read) runs the real `__init__`, so
every importer still sees the whole package.

Import it before anything imports Powertools' `event_handler` or `data_classes`; a
package already imported is left as it is.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

DEFERRED_PACKAGES = (
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.data_classes",
)

# `from .module import (A, B as C)` / `from package.module import A` in an `__init__`.
_FROM_IMPORT = re.compile(r"^from\s+([\w.]+)\s+import\s+(\([^)]*\)|[^\n]*)", re.MULTILINE)


def defer_package_init(name: str) -> None:
    """Register package `name` with its `__init__` not run (see the module docstring)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)  # imports the parent package first
    if name in sys.modules:
        return  # that parent's `__init__` imported it
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    loader = spec.loader
    package = importlib.util.module_from_spec(spec)
    sources: dict[str, tuple[str, str]] | None = None

    def __getattr__(attribute: str) -> Any:
        nonlocal sources
        if attribute.startswith("__") and attribute != "__all__":  # `import *` needs the init
            raise AttributeError(attribute)
        if sources is None:
            sources = _name_sources(name, spec.origin)
        # A name the `__init__` imports first: it may also be a submodule's name
        # (`from .event_source import event_source`), and the package's attribute is then
        # the function, not the module that importing the submodule binds there.
        if attribute in sources:
            module, original = sources[attribute]
            value = getattr(importlib.import_module(module), original)
            setattr(package, attribute, value)
            return value
        if attribute.isidentifier() and importlib.util.find_spec(f"{name}.{attribute}"):
            return importlib.import_module(f"{name}.{attribute}")
        # The real `__init__`, in the registered module object: every name it defines.
        delattr(package, "__getattr__")
        loader.exec_module(package)
        return getattr(package, attribute)

    setattr(package, "__getattr__", __getattr__)  # noqa: B010 (a module's PEP 562 hook)
    sys.modules[name] = package


def _name_sources(package: str, init_path: str | None) -> dict[str, tuple[str, str]]:
    """For each name the package's `__init__` imports from one of its submodules: that
    submodule and the name there (`from .events import Event as Alias`)."""
    try:
        text = Path(init_path or "").read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return {}
    sources: dict[str, tuple[str, str]] = {}
    for module, names in _FROM_IMPORT.findall(text):
        absolute = f"{package}{module}" if module.startswith(".") else module
        if not absolute.startswith(f"{package}."):
            continue
        for line in names.strip("()").splitlines():
            for item in line.split("#")[0].split(","):
                words = item.split()
                if len(words) == 1:
                    sources[words[0]] = (absolute, words[0])
                elif len(words) == 3 and words[1] == "as":
                    sources[words[2]] = (absolute, words[0])
    return sources


for _package in DEFERRED_PACKAGES:
    defer_package_init(_package)
