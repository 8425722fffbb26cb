"""Each function imports only what it uses at cold start: every import is paid for there.

The `api` function needs no numpy, extractor, model client or BM25 code; the ingest worker
imports the BM25 writer with its derived files but loads no extractor until a file needs
it and no `openai` until a provider does; the agent loads `openai` with its provider and
retrieval (numpy) with the first question. The same holds after each route's first request
in a cold process, and model schemas are built by the request that uses them (pydantic's
`defer_build`): a function's init builds only its own settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from handlers.core.contracts.routes import ROUTES
from lambda_build.model_files import RERANKER
from tests.handlers.document_flow import agent_caller, deliver, upload
from tests.support.aws import REGION, create_document_store
from tests.support.events import rest_proxy_event
from tests.support.imports import ROOT, ServedRequest, modules_after_import, modules_per_request
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import route_caller

EXTRACTORS = ("pypdfium2", "docx", "selectolax", "lxml")
BM25_MODULES = ("handlers.core.derived.lexical", "handlers.core.derived.lexical_file")
# The question's tools: the retrieval gate, with its stemmer and word lists.
QUESTION_TOOLS = ("handlers.core.llm.tools", "handlers.core.retrieval.gate", "Stemmer")
# Of Powertools' event_handler and data_classes packages, only the REST resolver and its
# event classes (handlers/core/runtime/lean_imports.py): not the other resolvers (AppSync's brings
# asyncio) nor the other 40 event classes. wrapt 1.x (the X-Ray SDK's) adds no asyncio.
OTHER_POWERTOOLS = (
    "asyncio",
    "aws_lambda_powertools.event_handler.appsync",
    "aws_lambda_powertools.event_handler.bedrock_agent",
    "aws_lambda_powertools.utilities.data_classes.s3_event",
    "aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event",
)


def test_api_function_does_not_import_heavy_libraries():
    loaded = modules_after_import("handlers.api")

    heavy = ("numpy", "openai", *EXTRACTORS, *BM25_MODULES, *OTHER_POWERTOOLS)
    assert not [name for name in heavy if name in loaded]
    assert "aws_lambda_powertools.event_handler.api_gateway" in loaded


def test_ingest_function_defers_extractors_and_the_model_client():
    loaded = modules_after_import("handlers.ingest")

    assert "handlers.core.derived.writer" in loaded
    assert set(BM25_MODULES) <= loaded
    # It writes statistics; scoring them is the agent's job
    assert "handlers.core.retrieval.bm25" not in loaded
    assert not [name for name in ("openai", *EXTRACTORS) if name in loaded]


def test_agent_function_defers_the_model_client_and_retrieval():
    # Listing, reading and deleting conversations need neither: the first question loads them.
    loaded = modules_after_import("handlers.agent")

    heavy = ("openai", "numpy", "onnxruntime", "handlers.core.retrieval.bm25", *EXTRACTORS,
             *BM25_MODULES)  # fmt: skip
    assert not [name for name in (*heavy, *QUESTION_TOOLS, *OTHER_POWERTOOLS) if name in loaded]


def test_under_snapstart_the_agent_snapshots_the_questions_retrieval(
    handler_env: dict[str, str],
) -> None:
    # Lambda's init for a SnapStart snapshot: what the first question loads goes in it...
    env = {
        **os.environ,
        "DAILY_QUESTION_LIMIT": "10",
        "DAILY_TOKEN_LIMIT": "1000",
        "RERANKER_MODEL_DIR": str(RERANKER.model_dir()),
    }
    snapshot = modules_after_import(
        "handlers.agent", {**env, "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"}
    )
    # ...but not the model client, whose key is a secret the snapshot must not keep.
    on_demand = modules_after_import(
        "handlers.agent", {**env, "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand"}
    )

    question = {"numpy", "onnxruntime", "handlers.core.retrieval.index", *QUESTION_TOOLS}
    assert question <= snapshot  # the reranker's model is loaded before the snapshot too
    assert "openai" not in snapshot
    assert not question & on_demand


# --- Each route's first request in a cold container ---------------------------------------
# Request bodies that pass validation; any other route gets `{}` (it must not fail with 5xx).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/documents"): {"name": "notes.txt", "contentType": "text/plain", "size": 100},
    ("POST", "/conversations"): {},
    ("POST", "/conversations/{conversationId}/messages"): {"question": "How long is it?"},
}
QUESTION = ("POST", "/conversations/{conversationId}/messages")


@dataclass
class Seeded:
    """Ids the routes' path parameters take: a READY document and two conversations, one
    of them to delete."""

    env: dict[str, str]
    values: dict[str, str]
    to_delete: dict[str, str]


def _clear_caches() -> None:
    from handlers import agent, api, ingest

    for module in (api, agent, ingest):
        for value in vars(module).values():
            if callable(value) and hasattr(value, "cache_clear"):
                value.cache_clear()


@pytest.fixture
def seeded(
    handler_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    lambda_context: FakeLambdaContext,
) -> Iterator[Seeded]:
    """A moto *server* (the measured process must not import moto), seeded in-process."""
    from handlers import api

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # moto's state is process-wide: start from an empty account.
    reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")  # noqa: S310
    urllib.request.urlopen(reset, timeout=10).close()  # noqa: S310
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    create_document_store()
    _clear_caches()
    try:
        call_api = route_caller(api.lambda_handler, lambda_context)
        s3 = boto3.client("s3", region_name=REGION)
        uploaded = upload(call_api, s3, "guide.txt", "text/plain", b"Warranty: two years.\n" * 50)
        deliver(lambda_context, uploaded)
        ready = call_api("GET", f"/documents/{uploaded.document_id}").body["document"]["status"]
        assert ready == "READY"
        with agent_caller(lambda_context, monkeypatch) as call_agent:
            conversations = [
                call_agent("POST", "/conversations", body={}).body["conversationId"]
                for _ in range(2)
            ]
        yield Seeded(
            env=dict(os.environ),
            values={"documentId": uploaded.document_id, "conversationId": conversations[0]},
            to_delete={"conversationId": conversations[1]},
        )
    finally:
        _clear_caches()
        server.stop()


def _first_requests(function: str, seeded: Seeded) -> list[tuple[str, ServedRequest]]:
    """Every route of `function` once, in one cold process: reads, then deletes, then the
    question; the label of each with what was loaded after it."""
    cases = [
        (method, route.path)
        for route in ROUTES
        if route.function == function
        for method in route.methods
    ]
    cases.sort(key=lambda case: (case == QUESTION, case[0] == "DELETE"))
    events = []
    for method, template in cases:
        values = {**seeded.values, **(seeded.to_delete if method == "DELETE" else {})}
        path = template
        for name, value in {**values, "part": "1"}.items():
            path = path.replace("{" + name + "}", value)
        body = BODIES.get((method, template), {} if method in ("POST", "PUT") else None)
        events.append(rest_proxy_event(method, path, body=body))
    served = modules_per_request(f"handlers.{function}", events, seeded.env)
    labels = [f"{method} {path}" for method, path in cases]
    for label, request in zip(labels, served, strict=True):
        assert request.status < 500, label
    return list(zip(labels, served, strict=True))


def test_api_routes_first_requests_load_no_heavy_library(seeded: Seeded) -> None:
    forbidden = ("numpy", "openai", *EXTRACTORS, *BM25_MODULES, *OTHER_POWERTOOLS)

    loaded = {
        label: [name for name in forbidden if name in request.loaded]
        for label, request in _first_requests("api", seeded)
    }

    assert loaded == {label: [] for label in loaded}


def test_agent_loads_the_model_client_and_retrieval_with_the_first_question_only(
    seeded: Seeded,
) -> None:
    served = _first_requests("agent", seeded)
    *others, (question, asked) = served

    forbidden = ("openai", "numpy", *EXTRACTORS, *BM25_MODULES, *QUESTION_TOOLS, *OTHER_POWERTOOLS)
    loaded = {label: [n for n in forbidden if n in request.loaded] for label, request in others}
    assert loaded == {label: [] for label in loaded}
    # The guard is live: the question does load retrieval.
    assert question == "POST /conversations/{conversationId}/messages"
    assert "numpy" in asked.loaded
    assert set(QUESTION_TOOLS) <= asked.loaded


# --- Model schemas: built by the request that uses them, not at import ---------------------
_SCHEMAS = """
import json, sys
module = __import__(sys.argv[1], fromlist=["settings"])
module.settings()
from handlers.core.runtime import settings
from handlers.core.documents import models as documents
print(json.dumps({
    name: getattr(source, name).__pydantic_complete__
    for source, names in (
        (settings, ("ApiSettings", "AgentSettings", "IngestSettings")),
        (documents, ("CreateDocumentResponse", "DocumentPage", "DocumentDetails")),
    )
    for name in names
}))
"""


def test_init_builds_the_functions_own_settings_and_no_route_model(
    handler_env: dict[str, str],
) -> None:
    env = {
        **os.environ,
        "DAILY_QUESTION_LIMIT": "10",
        "DAILY_TOKEN_LIMIT": "1000",
        "RERANKER_MODEL_DIR": str(RERANKER.model_dir()),
    }
    built = {}
    for function in ("api", "agent"):
        result = subprocess.run(
            [sys.executable, "-c", _SCHEMAS, f"handlers.{function}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        schemas = json.loads(result.stdout.strip().splitlines()[-1])
        built[function] = sorted(name for name, complete in schemas.items() if complete)

    assert built == {"api": ["ApiSettings"], "agent": ["AgentSettings"]}
