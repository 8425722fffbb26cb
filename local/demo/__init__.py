"""The demo user's sample library: two small documents the project writes itself.

`make dev` puts them in the demo user's library at start, through the real ingest path, so a
newcomer can ask a question within a minute (the site suggests `QUESTIONS`).
"""

from local.demo.library import QUESTIONS, DemoDocument, demo_documents
from local.demo.seed import seed_demo_library

__all__ = ["QUESTIONS", "DemoDocument", "demo_documents", "seed_demo_library"]
