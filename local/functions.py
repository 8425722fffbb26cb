"""The functions, run in-process like Lambda runs them: one event at a time each.

A handler module is imported at its first invocation (after the stack has set the
environment), and a lock keeps each function's warm state (cached clients, settings)
single-threaded, as it is in one Lambda execution environment.

The REST functions (`api`, `agent`) share one lock: Powertools keeps the request being
resolved on a class attribute (`BaseRouter.current_event`), shared by every resolver in
the process. On Lambda a process serves one event, but here `api` and `agent` would
overwrite each other's — a request read, and answered, as another user's (seen under
`make loadtest`: a conversation created in the wrong user's partition).
"""

from __future__ import annotations

import importlib
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from local import defaults

Handler = Callable[[dict[str, Any], Any], Any]

# Function name -> (handler module, timeout in seconds), as the Pulumi program deploys them.
FUNCTIONS: Mapping[str, tuple[str, int]] = {
    "api": ("handlers.api", defaults.API_TIMEOUT_SECONDS),
    "agent": ("handlers.agent", defaults.AGENT_TIMEOUT_SECONDS),
    "ingest": ("handlers.ingest", defaults.INGEST_TIMEOUT_SECONDS),
    # The ingest DLQ's consumer (components/agent_api/dead_letters.py deploys it with 30 s).
    "dead_letters": ("handlers.dead_letters", 30),
    "sweeper": ("handlers.sweeper", defaults.SWEEPER_TIMEOUT_SECONDS),
}


REST_FUNCTIONS = frozenset({"api", "agent"})
"""The functions behind a Powertools REST resolver (see above: never two at once)."""


class FunctionUnavailableError(Exception):
    """The handler module is not there (yet) or does not import."""


@dataclass
class LambdaContext:
    """What Lambda passes as `context` (the attributes Powertools reads)."""

    function_name: str
    timeout_seconds: int
    region: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:123456789012:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


class LocalFunctions:
    def __init__(self, region: str) -> None:
        self._region = region
        self._handlers: dict[str, Handler] = {}
        rest = threading.Lock()
        self._locks = {
            name: rest if name in REST_FUNCTIONS else threading.Lock() for name in FUNCTIONS
        }

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        """Run the function's `lambda_handler`; its exceptions propagate."""
        module_name, timeout = FUNCTIONS[name]
        with self._locks[name]:
            handler = self._handler(name, module_name)
            context = LambdaContext(
                function_name=f"{defaults.NAME_PREFIX}-{name}",
                timeout_seconds=timeout,
                region=self._region,
            )
            return handler(event, context)

    def _handler(self, name: str, module_name: str) -> Handler:
        if name not in self._handlers:
            try:
                module = importlib.import_module(module_name)
            except ImportError as exc:
                raise FunctionUnavailableError(f"{module_name} does not import: {exc}") from exc
            handler = getattr(module, "lambda_handler", None)
            if not callable(handler):
                raise FunctionUnavailableError(f"{module_name} has no lambda_handler")
            self._handlers[name] = handler
        return self._handlers[name]
