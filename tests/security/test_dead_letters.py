"""Nothing stays Processing when the worker is killed mid-document.

A moto server holds the ingest queue and its dead-letter queue (redrive after
`MAX_RECEIVE_COUNT` receives, as deployed). Lambda's event-source mapping is played by the
local stack's `SqsPoller`; each delivery runs the real ingest handler in a worker process
that is SIGKILLed (with its extraction child) once it is inside the document, as Lambda
kills an execution environment that runs out of memory or time: no Python code gets to
mark the document. After the last delivery SQS dead-letters the message, and the DLQ's
consumer (`handlers.dead_letters`, driven by a second poller) marks the document FAILED.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from typing import Any, cast

import boto3
import psutil
import pytest
from moto.server import ThreadedMotoServer

from handlers.core.contracts import layout
from handlers.dead_letters import DEAD_LETTER_REASON
from local.sqs_poller import SqsPoller
from tests.handlers.conftest import _clear_handler_caches
from tests.handlers.document_flow import Uploaded, upload, upload_event
from tests.security.conftest import IngestContext
from tests.support.aws import REGION, create_document_store, use_function_env
from tests.support.events import USER_A
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute, route_caller

# Big enough that extraction and chunking take a while: the kill lands mid-document.
DOCUMENT = " ".join(f"word{index}" for index in range(1_500_000)).encode()


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_function_env(
        monkeypatch,
        {
            "MAX_UPLOAD_BYTES": str(50 * 1024 * 1024),
            "MAX_PAGES": "2000",
            "EMBEDDING_DIMENSIONS": "64",
            "POWERTOOLS_SERVICE_NAME": "doc-agent-test",
        },
    )
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    from handlers import dead_letters

    _clear_handler_caches()
    dead_letters.dead_letter_context.cache_clear()
    try:
        create_document_store()
        yield f"http://{host}:{port}"
    finally:
        _clear_handler_caches()
        dead_letters.dead_letter_context.cache_clear()
        server.stop()


def _queues(sqs: Any) -> tuple[str, str, str, str]:
    """(queue url, queue arn, dlq url, dlq arn) with the deployed redrive policy."""
    dlq_url = sqs.create_queue(QueueName="ingest-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": layout.MAX_RECEIVE_COUNT}
    queue_url = sqs.create_queue(
        QueueName="ingest", Attributes={"RedrivePolicy": json.dumps(redrive)}
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    return queue_url, queue_arn, dlq_url, dlq_arn


def _run_worker(event: dict[str, Any]) -> None:
    from handlers import ingest

    ingest.lambda_handler(event, cast(Any, IngestContext(memory_limit_in_mb=2048)))


class KilledMidDocument(Exception):
    pass


def kill_mid_document(event: dict[str, Any]) -> Any:
    """Run the ingest handler in a worker process and SIGKILL it once it is extracting."""
    worker = multiprocessing.get_context("fork").Process(target=_run_worker, args=(event,))
    worker.start()
    assert worker.pid is not None
    process = psutil.Process(worker.pid)
    deadline = time.monotonic() + 60
    while not process.children() and worker.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert worker.is_alive(), "the worker finished before it could be killed"
    children = process.children(recursive=True)
    assert children, "the worker never started extracting"
    # As Lambda tears down the execution environment: every process at once.
    for child in [process, *children]:
        os.kill(child.pid, signal.SIGKILL)
    worker.join()
    for child in children:
        psutil.wait_procs([child], timeout=5)
    raise KilledMidDocument


def test_a_worker_killed_on_every_delivery_leaves_the_document_failed_not_processing(
    moto_server: str,
) -> None:
    from handlers import api, dead_letters

    sqs = boto3.client("sqs", region_name=REGION)
    queue_url, queue_arn, dlq_url, dlq_arn = _queues(sqs)
    call_api: CallRoute = route_caller(api.lambda_handler, FakeLambdaContext())
    # Given an upload whose notification is in the ingest queue
    uploaded: Uploaded = upload(
        call_api, boto3.client("s3", region_name=REGION), "big.txt", "text/plain", DOCUMENT
    )
    sqs.send_message(QueueUrl=queue_url, MessageBody=upload_event(uploaded)["Records"][0]["body"])
    ingest_mapping = SqsPoller(
        sqs,
        queue_url,
        queue_arn,
        REGION,
        kill_mid_document,
        batch_size=1,
        window_seconds=0,
        retry_visibility_seconds=0,
        wait_seconds=0,
    )

    # When every delivery's worker is killed mid-document
    deliveries = 0
    while ingest_mapping.poll_once():
        deliveries += 1
        assert deliveries <= layout.MAX_RECEIVE_COUNT

    # Then SQS dead-lettered the message after the last one, and the document is still PENDING
    assert deliveries == layout.MAX_RECEIVE_COUNT
    document = call_api("GET", f"/documents/{uploaded.document_id}", user=USER_A).body
    assert document["document"]["status"] == "PENDING"

    # When the DLQ's consumer gets it
    dlq_mapping = SqsPoller(
        sqs,
        dlq_url,
        dlq_arn,
        REGION,
        lambda event: dead_letters.lambda_handler(event, cast(Any, FakeLambdaContext())),
        batch_size=10,
        window_seconds=0,
        retry_visibility_seconds=0,
        wait_seconds=0,
    )
    assert dlq_mapping.poll_once() == 1

    # Then the document is FAILED with a reason and the DLQ is empty
    document = call_api("GET", f"/documents/{uploaded.document_id}", user=USER_A).body
    assert document["document"]["status"] == "FAILED"
    assert document["document"]["failureReason"] == DEAD_LETTER_REASON
    assert dlq_mapping.poll_once() == 0
