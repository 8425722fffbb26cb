"""Write the API's OpenAPI document to docs/openapi.json, or check it is up to date.

    python scripts/openapi.py            # regenerate docs/openapi.json
    python scripts/openapi.py --check    # exit 1 when the committed file is stale

`--resolver module:attribute` (repeatable) replaces the default list of resolvers.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.openapi_document import openapi_document, render  # noqa: E402

# Every function with HTTP routes, in the order their paths appear in the document.
RESOLVERS = ("handlers.api:app", "handlers.agent:app")
DEFAULT_OUTPUT = ROOT / "docs" / "openapi.json"


def load_resolver(spec: str) -> object:
    module_name, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module_name), attribute or "app")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--resolver", action="append", dest="resolvers", metavar="MODULE:ATTR")
    args = parser.parse_args(argv)

    resolvers = [load_resolver(spec) for spec in (args.resolvers or RESOLVERS)]
    text = render(openapi_document(resolvers))  # type: ignore[arg-type]
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} is stale: run `python scripts/openapi.py`", file=sys.stderr)
            return 1
        print(f"{output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
