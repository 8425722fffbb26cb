"""Which release a deploy is: the commit it was built from.

The pipeline sets `DOC_AGENT_RELEASE` (the commit SHA it checked out); a deploy from a
developer's machine asks git; without either it is `unknown`. `GET /health` reports it,
and rollback (`ops/rollback.py`) names the versions it moves between with it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

RELEASE_VARIABLE = "DOC_AGENT_RELEASE"
UNKNOWN = "unknown"
_REPO = Path(__file__).resolve().parents[1]


def release_version() -> str:
    explicit = os.environ.get(RELEASE_VARIABLE, "").strip()
    if explicit:
        return explicit[:40]
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],  # noqa: S607 - git from the PATH
            cwd=_REPO,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    return found.stdout.strip() or UNKNOWN
