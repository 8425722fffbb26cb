"""The sweeper's schedule, locally: a thread that invokes the `sweeper` function every few
seconds, as EventBridge Scheduler invokes it deployed (every 15 minutes)."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from local.background import BackgroundLoop

Invoke = Callable[[dict[str, Any]], Any]
# What EventBridge Scheduler sends (the target's input); the sweeper ignores it.
SCHEDULED_EVENT: dict[str, Any] = {"source": "local.scheduler", "detail-type": "Scheduled Event"}


class SweeperTimer(BackgroundLoop):
    def __init__(self, invoke: Invoke, interval_seconds: float) -> None:
        super().__init__("sweeper-timer")
        self._invoke = invoke
        self._interval = interval_seconds
        self.runs = 0

    def _run(self) -> None:
        while not self._stopping.wait(self._interval):
            self.run_once()

    def run_once(self) -> Any:
        """One scheduled invocation; an error is printed, as Lambda logs it, and the next
        run happens anyway."""
        self.runs += 1
        try:
            return self._invoke(dict(SCHEDULED_EVENT))
        except Exception:
            print("[sweeper] the scheduled sweep failed:", file=sys.stderr)
            traceback.print_exc()
            return None
