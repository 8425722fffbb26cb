"""The local stack's sizes and names.

The sizes mirror the defaults of `components/config.py` (a stack with no overrides), so the
handlers see locally what they see deployed.
"""

from __future__ import annotations

REGION = "us-east-1"
DEFAULT_PORT = 8000
NAME_PREFIX = "doc-agent-local"

INGEST_TIMEOUT_SECONDS = 120
API_TIMEOUT_SECONDS = 15
AGENT_TIMEOUT_SECONDS = 29
MAX_UPLOAD_MB = 50
MAX_PAGES = 2000
UPLOAD_URL_TTL_SECONDS = 900
DAILY_QUESTIONS = 200
DAILY_TOKENS = 500_000

# A failed ingest record is visible again after this many seconds locally (deployed, it
# waits for the queue's visibility timeout), so retries and the DLQ show up quickly.
RETRY_VISIBILITY_SECONDS = 1

DEMO_EMAIL = "demo@example.com"
# Origins of `next dev` (the site engineer's dev server), allowed besides the stack's own.
DEV_SERVER_ORIGINS: tuple[str, ...] = ("http://localhost:3000", "http://127.0.0.1:3000")

# The sweeper (handlers/sweeper.py) runs this often locally (deployed: every 15 minutes), with
# this margin past the upload URL's lifetime and the worker's deadline (deployed: 15 minutes).
SWEEP_INTERVAL_SECONDS = 30
SWEEP_MARGIN_SECONDS = 60
SWEEPER_TIMEOUT_SECONDS = 60
