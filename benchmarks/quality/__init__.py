"""The answer-quality benchmark's labelled set, its documents and its scoring.

`answer_set.yaml` holds the documents (Debian documentation packages, pinned by version and
checksum) and the labelled questions; `corpus` fetches and caches the documents, `stack`
runs them through the product's ingest and agent handlers in moto, `scoring` turns the
answers into the reported rates. `benchmarks/answer_quality.py` is the command line.
"""
