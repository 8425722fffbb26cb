"""Run the Pulumi program for one stack under mocks, as a process: `python -m tests.infra.run_program`.

The fail-fast tests start it in a subprocess, so a program that hangs is a timeout there
instead of a hung test session. `--no-site` runs it without a built site;
`--failing-build` makes every Lambda build fail as pip would; `--failing-component` makes a
component raise after the site origin's deferred output exists.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from tests.infra.program import SITE_DIR_ENV, STACKS, MockedPulumi

FAILED_BUILD = "pip could not install the dependency set (simulated)"
FAILED_COMPONENT = "a component failed while declaring its resources (simulated)"


def _failing_build(function: str, **_: object) -> NoReturn:
    from lambda_build.errors import PackagingError

    raise PackagingError(f"function {function!r}: {FAILED_BUILD}")


def _failing_component(*_: object, **__: object) -> NoReturn:
    raise RuntimeError(FAILED_COMPONENT)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.infra.run_program")
    parser.add_argument("stack", choices=STACKS)
    parser.add_argument("--no-site", action="store_true", help="no built site")
    parser.add_argument("--failing-build", action="store_true", help="every build fails")
    parser.add_argument(
        "--failing-component",
        action="store_true",
        help="Observability raises, after the site origin's deferred output exists",
    )
    args = parser.parse_args(argv)
    if args.failing_build:
        import lambda_build.lambda_package

        lambda_build.lambda_package.ensure_built = _failing_build
    if args.failing_component:
        import components.observability

        components.observability.Observability.__init__ = _failing_component  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory(prefix="no-site-") as empty:
        if args.no_site:
            os.environ[SITE_DIR_ENV] = str(Path(empty))
        run = MockedPulumi().run(args.stack, site=not args.no_site)
    print(f"{len(run.resources)} resources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
