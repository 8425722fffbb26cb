"""Operator and developer scripts (run as files: `python scripts/<name>.py`)."""
