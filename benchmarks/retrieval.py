"""Query latency of hybrid retrieval (BM25 + cosine + RRF) over 1k, 10k and 100k chunks.

    .venv/bin/python benchmarks/retrieval.py [--dimensions 256] [--sizes 1000,10000,100000]
                                             [--legacy]

Documents of 500 passages (~120 words each, Zipf-distributed vocabulary; three passages a
page) with random unit embeddings are written to an in-process moto S3, like the ingest
worker leaves them: `passages.json`, `embeddings.npy` and `bm25.npz` (with `--legacy`: as
format 1 left them, `chunks.json` and `embeddings.npy`, whose statistics are built from
the text at load).
- cold: an empty cache — HEAD + GET of every document's postings and matrix, .npz/.npy
  parsing, the search, then `passages.json` of the documents whose passages are returned
  (the first question after a cold start);
- warm: everything cached and checked recently — embed the query, score, fuse;
- warm+HEAD: cached, but every document's ETags re-checked (what a warm search costs
  once the revalidation window has passed).
Prints a table of p50/p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

import boto3
from moto import mock_aws

from handlers.core.contracts.layout import bm25_key, chunks_key, embeddings_key, passages_key
from handlers.core.derived.cache import DocumentCache
from handlers.core.derived.passage import Part, Passage
from handlers.core.derived.passages_file import passages_file_bytes
from handlers.core.derived.source import S3DocumentSource
from handlers.core.derived.vectors import OFFLINE_MODEL_ID
from handlers.core.derived.writer import lexical_bytes
from handlers.core.documents.models import DocumentRecord, DocumentStatus
from handlers.core.ids import new_id
from handlers.core.llm.embeddings import OfflineEmbedder
from handlers.core.llm.offline import OfflineAnswerer
from handlers.core.llm.tools import AgentTools
from handlers.core.retrieval.index import HybridIndex
from tests.support.derived_files import legacy_chunks_bytes

BUCKET = "bench"
USER = "bench-user"
CHUNKS_PER_DOCUMENT = 500
WORDS_PER_CHUNK = 120
VOCABULARY = 20_000


def make_vocabulary(rng: np.random.Generator) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    return ["".join(rng.choice(letters, size=rng.integers(3, 10))) for _ in range(VOCABULARY)]


def passages_of(document_id: str, texts: list[str]) -> tuple[list[Part], list[Passage]]:
    """Three passages a page: each page's text is its passages joined by a blank line."""
    parts: list[Part] = []
    passages: list[Passage] = []
    for first in range(0, len(texts), 3):
        page = first // 3 + 1
        text = ""
        for position in range(first, min(first + 3, len(texts))):
            start = len(text) + (2 if text else 0)
            text = f"{text}\n\n{texts[position]}" if text else texts[position]
            passages.append(
                Passage(
                    document_id,
                    "",
                    position,
                    page,
                    texts[position],
                    part=page,
                    start=start,
                    end=start + len(texts[position]),
                )
            )
        parts.append(Part(page, text, page=page))
    return parts, passages


def seed(
    s3: object, total: int, dimensions: int, rng: np.random.Generator, *, legacy: bool
) -> list[DocumentRecord]:
    words = np.array(make_vocabulary(rng))
    ranks = np.arange(1, VOCABULARY + 1)
    zipf = (1.0 / ranks) / (1.0 / ranks).sum()
    now = datetime.now(UTC)
    records = []
    for start in range(0, total, CHUNKS_PER_DOCUMENT):
        count = min(CHUNKS_PER_DOCUMENT, total - start)
        document_id = new_id()
        picks = rng.choice(words, size=(count, WORDS_PER_CHUNK), p=zipf)
        parts, chunks = passages_of(document_id, [" ".join(row) for row in picks])
        matrix = rng.standard_normal((count, dimensions)).astype(np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        buffer = io.BytesIO()
        np.save(buffer, matrix, allow_pickle=False)
        s3.put_object(Bucket=BUCKET, Key=embeddings_key(USER, document_id), Body=buffer.getvalue())  # type: ignore[attr-defined]
        if legacy:
            body = legacy_chunks_bytes(chunks)
            s3.put_object(Bucket=BUCKET, Key=chunks_key(USER, document_id), Body=body)  # type: ignore[attr-defined]
        else:
            body = passages_file_bytes(parts, chunks)
            s3.put_object(Bucket=BUCKET, Key=passages_key(USER, document_id), Body=body)  # type: ignore[attr-defined]
            s3.put_object(  # type: ignore[attr-defined]
                Bucket=BUCKET, Key=bm25_key(USER, document_id), Body=lexical_bytes(chunks, body)
            )
        records.append(
            DocumentRecord(
                document_id=document_id,
                name=f"doc-{start}.txt",
                content_type="text/plain",
                size=1,
                status=DocumentStatus.READY,
                created_at=now,
                updated_at=now,
                user_id=USER,
                raw_key="-",
                chunks=count,
                embedding_model=OFFLINE_MODEL_ID,
                embedding_dimensions=dimensions,
            )
        )
    return records


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples), q))


Row = tuple[int, int, list[float], list[float], list[float], list[float]]


def measure(
    s3: object,
    total: int,
    dimensions: int,
    warm_queries: int,
    rng: np.random.Generator,
    *,
    legacy: bool,
) -> Row:
    embedder = OfflineEmbedder(dimensions)
    records = seed(s3, total, dimensions, rng, legacy=legacy)
    vocabulary = make_vocabulary(np.random.default_rng(7))
    queries = [" ".join(rng.choice(vocabulary[:2000], size=6)) for _ in range(warm_queries)]

    def cold() -> None:
        source = S3DocumentSource(s3, BUCKET, DocumentCache())
        HybridIndex(source, embedder).search(records, queries[0], top_k=20)

    cold_samples = timed(cold, 3 if total >= 100_000 else 10)

    def warm_runner(revalidate_after: float) -> Callable[[], object]:
        index = HybridIndex(
            S3DocumentSource(
                s3, BUCKET, DocumentCache(), revalidate_after_seconds=revalidate_after
            ),
            embedder,
        )
        index.search(records, queries[0], top_k=20)
        iterator = iter(queries * 2)
        return lambda: index.search(records, next(iterator), top_k=20)

    warm_samples = timed(warm_runner(3600), warm_queries)
    head_samples = timed(warm_runner(0), max(5, warm_queries // 5))

    # A whole offline answer, warm: the gated search (10 passages, key-term statistics,
    # coverage) and the sentence selection — what a question costs besides storing it.
    answer_index = HybridIndex(S3DocumentSource(s3, BUCKET, DocumentCache()), embedder)
    answer_index.search(records, queries[0], top_k=20)
    answers = iter(queries * 2)
    answer_samples = timed(
        lambda: OfflineAnswerer().answer(next(answers), AgentTools(answer_index, records)),
        warm_queries,
    )
    for record in records:
        for key in (chunks_key, passages_key, embeddings_key, bm25_key):
            s3.delete_object(Bucket=BUCKET, Key=key(USER, record.document_id))  # type: ignore[attr-defined]
    return total, len(records), cold_samples, warm_samples, head_samples, answer_samples


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dimensions", type=int, default=256)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--warm-queries", type=int, default=50)
    parser.add_argument(
        "--legacy", action="store_true", help="documents in format 1 (chunks.json, no bm25.npz)"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        rows = [
            measure(s3, int(total), args.dimensions, args.warm_queries, rng, legacy=args.legacy)
            for total in args.sizes.split(",")
        ]

    stored = "in format 1 (chunks.json)" if args.legacy else "in format 2 (with bm25.npz)"
    print(
        f"\nHybrid retrieval, top-20, {args.dimensions} dims, moto S3 in-process, "
        f"documents {stored} (ms)"
    )
    header = (
        "| chunks | docs | cold p50 | cold p95 | warm p50 | warm p95 "
        "| warm+HEAD p50 | warm+HEAD p95 | offline answer p50 | offline answer p95 |"
    )
    print(header)
    print("|" + "|".join("---" for _ in range(header.count("|") - 1)) + "|")
    for total, docs, cold_s, warm_s, head_s, answer_s in rows:
        print(
            f"| {total:,} | {docs} | {percentile(cold_s, 50):.0f} | {percentile(cold_s, 95):.0f} "
            f"| {percentile(warm_s, 50):.1f} | {percentile(warm_s, 95):.1f} "
            f"| {percentile(head_s, 50):.1f} | {percentile(head_s, 95):.1f} "
            f"| {percentile(answer_s, 50):.1f} | {percentile(answer_s, 95):.1f} |"
        )


if __name__ == "__main__":
    main()
