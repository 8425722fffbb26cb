"""What isolation costs per document, and what a hostile upload costs its batch-mates.

    .venv/bin/python -m benchmarks.ingest_batches [--repeat 5] [--memory-mb 2048]

Three tables, all through the real ingest handler in a moto account (offline embedder):

1. Bounded-child overhead per document: wall time not spent extracting (fork, limits,
   pickling the pages and chunks, the pipe, unpickling) for small and large documents.
2. Handler time per document when 1 or 5 small uploads share an invocation (what a larger
   batch saves, before Lambda's own per-invocation cost).
3. How long a good upload waits for READY when it shares a batch with a slow hostile one
   (a content-stream bomb that stays just under the memory limit), against alone.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, cast

import boto3
from moto import mock_aws

from handlers.core.extraction import ExtractionLimits
from handlers.core.extraction.bounded import ChildLimits, run_bounded
from handlers.core.ingest.service import parts_and_passages
from tests.handlers import samples
from tests.handlers.document_flow import Uploaded, upload, upload_event
from tests.security.hostile_files import pdf_inflate_bomb
from tests.support.aws import REGION, create_document_store
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import route_caller

LIMITS = ExtractionLimits(max_bytes=50 * 1024 * 1024, max_pages=2000)


class Context(FakeLambdaContext):
    def get_remaining_time_in_millis(self) -> int:
        return 120_000


def overhead_table(repeat: int, memory_mb: int) -> None:
    documents = {
        "1-page text": (b"a short note about tea", "txt"),
        "100-page PDF": (samples.text_pdf(100), "pdf"),
        "500-page PDF": (samples.text_pdf(500), "pdf"),
    }
    print("\n1. bounded child, per document")
    print(f"{'document':<14} {'extract ms':>11} {'overhead ms':>12} {'child peak MB':>14}")
    for name, (data, kind) in documents.items():
        walls, overheads, peaks = [], [], []
        for _ in range(repeat):
            limits = ChildLimits.for_function(memory_mb=memory_mb, remaining_ms=120_000)
            _, run = run_bounded(parts_and_passages, data, kind, LIMITS, "bench", limits=limits)
            walls.append(run.wall_seconds - run.overhead_seconds)
            overheads.append(run.overhead_seconds)
            peaks.append(run.peak_rss_bytes)
        print(
            f"{name:<14} {statistics.median(walls) * 1000:>11.1f}"
            f" {statistics.median(overheads) * 1000:>12.1f} {max(peaks) / 2**20:>14.0f}"
        )


def _uploads(count: int, data: bytes, content_type: str) -> list[Uploaded]:
    from handlers import api

    call_api = route_caller(api.lambda_handler, FakeLambdaContext())
    s3 = boto3.client("s3", region_name=REGION)
    return [upload(call_api, s3, f"doc{i}.txt", content_type, data) for i in range(count)]


def _deliver(uploads: list[Uploaded], memory_mb: int) -> float:
    from handlers import ingest

    started = time.perf_counter()
    ingest.lambda_handler(upload_event(*uploads), cast(Any, Context(memory_limit_in_mb=memory_mb)))
    return time.perf_counter() - started


def batch_table(repeat: int, memory_mb: int) -> None:
    print("\n2. handler time per small upload, by batch size")
    print(f"{'batch size':<11} {'ms per upload':>14}")
    for size in (1, 5):
        per_upload = []
        for _ in range(repeat):
            uploads = _uploads(size, b"a short note about tea and biscuits", samples.TEXT)
            per_upload.append(_deliver(uploads, memory_mb) / size)
        print(f"{size:<11} {statistics.median(per_upload) * 1000:>14.1f}")


def neighbour_table(memory_mb: int) -> None:
    print("\n3. a good upload's time to READY, alone or batched behind a hostile one")
    good = _uploads(1, b"a short note about tea", samples.TEXT)
    alone = _deliver(good, memory_mb)
    bomb = _uploads(1, pdf_inflate_bomb(100), samples.PDF)
    behind = _deliver(bomb + _uploads(1, b"a short note about tea", samples.TEXT), memory_mb)
    print(f"{'alone (batch of 1)':<34} {alone:>7.1f} s")
    print(f"{'behind a 100 MB stream bomb (batch)':<34} {behind:>7.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory-mb", type=int, default=2048)
    args = parser.parse_args()
    overhead_table(args.repeat, args.memory_mb)
    import os

    for name, value in {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "TABLE_NAME": "doc-agent-test",
        "BUCKET_NAME": "doc-agent-test-documents",
        "LLM_PROVIDER": "offline",
        "MAX_UPLOAD_BYTES": str(50 * 1024 * 1024),
        "MAX_PAGES": "2000",
        "EMBEDDING_DIMENSIONS": "64",
        "POWERTOOLS_TRACE_DISABLED": "1",
    }.items():
        os.environ[name] = value
    with mock_aws():
        create_document_store()
        batch_table(args.repeat, args.memory_mb)
        neighbour_table(args.memory_mb)


if __name__ == "__main__":
    main()
