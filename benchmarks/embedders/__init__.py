"""Offline embedder variants measured on the answer-quality set (`benchmarks/offline_embedders.py`):
all-MiniLM-L6-v2 run in numpy, and a static token table distilled from it."""
