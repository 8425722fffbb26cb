"""SnapStart (prod): a route's lazy work done before the snapshot, not after every restore.

Without SnapStart a cold start pays only what its own request needs, so the functions
import per route (the agent loads retrieval and numpy with the first question). Under
SnapStart Lambda runs the init once per published version and snapshots it: whatever a
route still loads lazily would be paid again by the first such request after each restore.
Lambda sets `AWS_LAMBDA_INITIALIZATION_TYPE=snap-start` during that init, and only then
does `prime_for_snapshot` run its steps. No step may fetch a secret: the snapshot would
keep it past a rotation.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from aws_lambda_powertools import Logger

logger = Logger(child=True)


def snapshot_init() -> bool:
    """Whether this init is the one Lambda snapshots (SnapStart)."""
    return os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"


def prime_for_snapshot(*steps: Callable[[], object]) -> None:
    """Run `steps` when the init is SnapStart's; a failing step is logged and left to the
    request that needs it (priming only saves time)."""
    if not snapshot_init():
        return
    for step in steps:
        try:
            step()
        except Exception:
            logger.exception("priming before the snapshot failed", step=step.__name__)
