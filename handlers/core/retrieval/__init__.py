"""Hybrid passage retrieval over a user's documents: BM25 + cosine, fused with RRF."""
