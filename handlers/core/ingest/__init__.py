"""Ingest: one uploaded raw object becomes a READY or FAILED document.

The use case (`service.py`), chunking parts into passages, and the S3 notifications the
ingest queue carries (read by the worker and the dead-letter consumer).
"""
