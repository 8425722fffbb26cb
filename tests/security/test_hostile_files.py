"""Every hostile upload ends FAILED with a reason or READY, in bounded time, with the
extraction's measured peak memory below the ingest function's memory, and the worker
survives to process the next upload.

Run through the real path: the document is created through `api`, its bytes stored where
the presigned POST puts them, and the S3 notification delivered to `ingest`. The bounded
child (`handlers.core.extraction.bounded`) is observed, not replaced: a spy records the
usage `wait4` reports for each document.
"""

from __future__ import annotations

import time
from typing import Any, cast

import boto3
import pytest

from handlers import ingest
from handlers.core.extraction import bounded
from handlers.core.extraction.bounded import TOO_COMPLEX_REASON, BoundedExtractionError, ChildRun
from handlers.core.ingest import service as ingest_document
from tests.handlers import samples
from tests.handlers.document_flow import upload, upload_event
from tests.security.conftest import SCALE, IngestContext
from tests.security.hostile_files import HostileFile, corpus
from tests.support.aws import REGION
from tests.support.events import USER_A
from tests.support.routes import CallRoute

# A lean ingest function: the bombs breach it quickly, so `make test` stays fast. The
# heavier run (`make test-hostile`) uses the deployed default (2,048 MB) and bigger bombs.
MEMORY_MB = 1024 if SCALE == 1 else 2048
# The ingest worker's own resident set on Lambda, rounded up (a fresh process with the
# handler imported holds ~80 MB here): the child's growth must fit beside it.
LAMBDA_WORKER_BYTES = 256 * 1024 * 1024
CORPUS = corpus(SCALE)


@pytest.fixture
def child_runs(monkeypatch: pytest.MonkeyPatch) -> list[ChildRun]:
    """The usage of every bounded child, breaches included."""
    runs: list[ChildRun] = []
    real = bounded.run_bounded

    def spy(*args: Any, **kwargs: Any) -> Any:
        try:
            result, run = real(*args, **kwargs)
        except BoundedExtractionError as exc:
            runs.append(exc.run)
            raise
        runs.append(run)
        return result, run

    monkeypatch.setattr(ingest_document, "run_bounded", spy)
    return runs


def _status(call_api: CallRoute, document_id: str) -> dict[str, Any]:
    result = call_api("GET", f"/documents/{document_id}", user=USER_A)
    assert result.status == 200
    return cast(dict[str, Any], result.body["document"])


@pytest.mark.parametrize("hostile", CORPUS, ids=[item.name for item in CORPUS])
def test_hostile_file_ends_failed_or_ready_within_memory_and_time(
    hostile: HostileFile, call_api: CallRoute, child_runs: list[ChildRun]
) -> None:
    # Given a hostile file uploaded as a user would, and a good one after it in the batch
    s3 = boto3.client("s3", region_name=REGION)
    bad = upload(call_api, s3, hostile.name, hostile.content_type, hostile.data)
    good = upload(call_api, s3, "notes.txt", samples.TEXT, b"a harmless note about tea")
    context = IngestContext(memory_limit_in_mb=MEMORY_MB)

    # When the worker gets both in one batch
    started = time.monotonic()
    response = ingest.lambda_handler(upload_event(bad, good), cast(Any, context))
    elapsed = time.monotonic() - started

    # Then nothing is retried and nothing is left PENDING
    assert response == {"batchItemFailures": []}
    document = _status(call_api, bad.document_id)
    assert document["status"] in ("READY", "FAILED"), hostile.what
    if document["status"] == "FAILED":
        assert document["failureReason"], "a failure always says why"
    # and the good upload after it is READY: the worker survived
    assert _status(call_api, good.document_id)["status"] == "READY"
    # within the time the worker gives extraction (half of what is left, twice over)
    assert elapsed < 120, f"{hostile.name}: {elapsed:.1f} s"
    # and every extraction stayed under the function's memory, measured by the kernel: what
    # the child added on top of a Lambda-sized worker (the test process is far bigger)
    for run in child_runs:
        assert run.private_peak_bytes + LAMBDA_WORKER_BYTES < MEMORY_MB * 1024 * 1024, (
            f"{hostile.name}: peak {run.private_peak_bytes / 2**20:.0f} MB over the worker"
        )


def test_bombs_end_failed_too_complex_under_a_lean_function(
    call_api: CallRoute, child_runs: list[ChildRun]
) -> None:
    # Given a content-stream bomb and a huge DOCX tree, under a 1,024 MB function
    s3 = boto3.client("s3", region_name=REGION)
    by_name = {item.name: item for item in corpus(1)}
    uploads = [
        upload(call_api, s3, name, by_name[name].content_type, by_name[name].data)
        for name in ("bomb.pdf", "bomb.docx")
    ]

    # When the worker processes them
    ingest.lambda_handler(upload_event(*uploads), cast(Any, IngestContext(memory_limit_in_mb=1024)))

    # Then each ends FAILED with the limits' reason, not as a damaged file
    for item in uploads:
        document = _status(call_api, item.document_id)
        assert document["status"] == "FAILED"
        assert document["failureReason"] == TOO_COMPLEX_REASON
    assert all(
        run.private_peak_bytes + LAMBDA_WORKER_BYTES < 1024 * 1024 * 1024 for run in child_runs
    )
