"""The `ingest` function (placeholder until the worker lands)."""
