"""How long a question may still spend on the model before the function itself runs out.

The agent has at most 29 s (API Gateway's limit). Without a budget, a slow provider plus
the client's retries would run past it and the caller would get a gateway 504, with the
question's quota never given back; with one, the last call is cut short and the caller gets
a 503 with Retry-After while there is still time to answer it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# Kept back for what follows the model: storing the message, the response itself.
RESERVED_SECONDS = 2.0
# Below this there is no point starting a model call.
MIN_CALL_SECONDS = 1.0


class Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._ends_at = clock() + seconds

    @classmethod
    def from_remaining_millis(cls, millis: int) -> Deadline:
        """From the Lambda context's `get_remaining_time_in_millis()`."""
        return cls(millis / 1000 - RESERVED_SECONDS)

    def remaining(self) -> float:
        return max(0.0, self._ends_at - self._clock())
