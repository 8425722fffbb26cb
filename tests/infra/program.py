"""Run the real Pulumi program (`__main__.py`) for a stack under mocks and record what it declares."""

from __future__ import annotations

import os
import runpy
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.config import read_stack_file
from tests.infra.pulumi_mocks import AwsMocks, RecordingMonitor, Registered

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "doc-agent"
STACKS = ("dev", "prod")
SITE_DIR_ENV = "DOC_AGENT_SITE_DIR"
"""Where `__main__.py` looks for the built site (default frontend/out)."""
# A minimal static export: the program runs without `make site`.
_SITE = {
    "index.html": "<!doctype html><title>Doc Agent</title>",
    "404.html": "<!doctype html><title>Not found</title>",
    "documents/index.html": "<!doctype html><title>Documents</title>",
    "_next/static/chunks/app-0123abcd.js": "",
}


@contextmanager
def generated_site() -> Iterator[Path]:
    """A throwaway site directory, named by SITE_DIR_ENV while the block runs."""
    previous = os.environ.get(SITE_DIR_ENV)
    with tempfile.TemporaryDirectory(prefix="site-") as tmp:
        root = Path(tmp)
        for key, text in _SITE.items():
            (root / key).parent.mkdir(parents=True, exist_ok=True)
            (root / key).write_text(text)
        os.environ[SITE_DIR_ENV] = str(root)
        try:
            yield root
        finally:
            if previous is None:
                os.environ.pop(SITE_DIR_ENV, None)
            else:
                os.environ[SITE_DIR_ENV] = previous


def stack_config(stack: str) -> dict[str, str]:
    """The stack's `Pulumi.<stack>.yaml`, as Pulumi hands it to the program (JSON for objects)."""
    return read_stack_file(ROOT / f"Pulumi.{stack}.yaml")


@dataclass
class StackRun:
    stack: str
    resources: list[Registered]
    outputs: dict[str, Any]

    def of_type(self, token: str) -> list[Registered]:
        return [r for r in self.resources if r.type == token]

    def named(self, name: str) -> Registered:
        matches = [r for r in self.resources if r.name == name]
        assert len(matches) == 1, f"{len(matches)} resources named {name}"
        return matches[0]

    def children_of(self, parent: Registered) -> list[Registered]:
        return [r for r in self.resources if r.parent == parent.urn]

    def by_input(self, token: str, key: str, value: Any) -> list[Registered]:
        return [r for r in self.of_type(token) if r.inputs.get(key) == value]


class MockedPulumi:
    """Pulumi's runtime, mocked; `run()` evaluates the program for one stack."""

    def __init__(self) -> None:
        self.monitor: RecordingMonitor | None = None
        self.configure("dev", {})

    def configure(
        self, stack: str, config: Mapping[str, str], secret_keys: list[str] | None = None
    ) -> RecordingMonitor:
        region = config.get("aws:region", "eu-west-1")
        self.monitor = RecordingMonitor(AwsMocks(region))
        pulumi.runtime.set_mocks(
            self.monitor.mocks, project=PROJECT, stack=stack, preview=False, monitor=self.monitor
        )
        pulumi.runtime.set_all_config(dict(config), secret_keys or [])
        return self.monitor

    def run(
        self,
        stack: str,
        config: Mapping[str, str] | None = None,
        secret_keys: list[str] | None = None,
        *,
        site: bool = True,
    ) -> StackRun:
        """`site=False`: leave DOC_AGENT_SITE_DIR as it is (the caller's own site, or none)."""
        monitor = self.configure(
            stack, stack_config(stack) if config is None else config, secret_keys
        )
        root = pulumi.runtime.get_root_resource()

        def program() -> None:
            runpy.run_path(str(ROOT / "__main__.py"))

        with generated_site() if site else nullcontext():
            _sync_await(run_pulumi_func(program))
        outputs = {
            name: _sync_await(pulumi.Output.from_input(value).future())
            for name, value in (getattr(root, "outputs", {}) or {}).items()
        }
        return StackRun(stack=stack, resources=list(monitor.registered), outputs=outputs)

    def run_function(
        self,
        fn: Callable[[], Mapping[str, Any] | None],
        stack: str = "dev",
        config: Mapping[str, str] | None = None,
    ) -> StackRun:
        """Evaluate `fn` as the program (e.g. one component built directly); the mapping it
        returns becomes the run's resolved outputs."""
        monitor = self.configure(stack, config or {"aws:region": "eu-west-1"})
        returned: dict[str, Any] = {}

        def program() -> None:
            returned.update(fn() or {})

        _sync_await(run_pulumi_func(program))
        outputs = {name: resolve(value) for name, value in returned.items()}
        return StackRun(stack=stack, resources=list(monitor.registered), outputs=outputs)


def resolve(value: Any) -> Any:
    """Await an Output (or plain value) outside the program."""
    return _sync_await(pulumi.Output.from_input(value).future())
