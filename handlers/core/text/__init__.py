"""Text analysis shared by ingest and query: terms for BM25, the relevance gate, quoting.

Neutral ground: retrieval, the answerers and the ingest worker import it; it imports none
of them.
"""
