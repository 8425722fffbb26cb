"""Structured logs: JSON lines an operator can follow by correlation id and document id, and
never a document's text, a question, an answer or a presigned signature."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aws_lambda_powertools import Logger

from handlers import agent, api, ingest
from handlers.core.conversations import service as conversations_service
from handlers.core.derived import source as document_source
from handlers.core.documents import service as documents_service
from handlers.core.ingest import service as ingest_document
from handlers.core.llm import chat
from handlers.core.llm.errors import LlmUnavailableError
from tests.handlers.document_flow import ask, deliver, upload
from tests.support.lambda_context import FakeLambdaContext
from tests.support.routes import CallRoute

ROOT = Path(__file__).resolve().parents[2]
SECRET_TEXT = "The vault combination is zebra-quartz-4417."
QUESTION = "What is the combination of the vault mentioned in the notes?"
# Keyword fields that would put user content, credentials or tokens into a log line.
FORBIDDEN_FIELDS = {
    "answer",
    "api_key",
    "authorization",
    "body",
    "content",
    "excerpt",
    "password",
    "prompt",
    "question",
    "secret",
    "text",
    "token",
    "url",
}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}

LogLines = Callable[[], list[dict[str, Any]]]


class CurrentStdout:
    """Writes to whatever `sys.stdout` is at the time: capsys replaces it only once the test
    itself runs, after the fixtures are set up."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


@pytest.fixture
def log_lines(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> LogLines:
    """The JSON log lines written since the last call (stdout; EMF metric lines left out).

    In Lambda, POWERTOOLS_SERVICE_NAME names the function, so the use cases' module loggers
    (`Logger(child=True)`) write through the handler's logger. In this process they were
    created before any test set it, so each gets a child of its function's logger here."""
    routes: dict[str, tuple[ModuleType, ...]] = {
        "api": (documents_service,),
        "ingest": (ingest_document,),
        "agent": (conversations_service, chat, document_source),
    }
    for handler in (api, ingest, agent):
        # The handler's stream was bound when the module was imported; point it at capsys.
        monkeypatch.setattr(handler.logger.registered_handler, "stream", CurrentStdout())
        for module in routes[handler.logger.service]:
            monkeypatch.setattr(
                module, "logger", Logger(service=handler.logger.service, child=True)
            )
    capsys.readouterr()

    def read() -> list[dict[str, Any]]:
        captured = capsys.readouterr()
        lines = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
        return [line for line in lines if "_aws" not in line]

    return read


def _lines(lines: list[dict[str, Any]], message: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["message"] == message]


def test_each_record_logs_with_its_message_document_and_upload_request(
    call_api: CallRoute, s3_client: Any, lambda_context: FakeLambdaContext, log_lines: LogLines
):
    # Given two uploads delivered in one batch
    first = upload(call_api, s3_client, "a.md", "text/markdown", b"# First\n\nAlpha text.")
    second = upload(call_api, s3_client, "b.txt", "text/plain", b"Beta text, plain.")
    log_lines()

    # When the ingest function processes them
    deliver(lambda_context, first, second)
    ingest.logger.info("after the batch")

    # Then each document's line names its SQS message, its document and its upload request
    lines = log_lines()
    ready = _lines(lines, "document ready")
    assert [
        (line["correlation_id"], line["document_id"], line["s3_request_id"]) for line in ready
    ] == [
        ("message-0", first.document_id, first.s3_request_id),
        ("message-1", second.document_id, second.s3_request_id),
    ]
    assert all(line["service"] == "ingest" for line in ready)
    # and the keys are gone once a record is done
    (after,) = _lines(lines, "after the batch")
    assert not {"correlation_id", "document_id", "s3_request_id"} & after.keys()


def test_a_failure_to_be_retried_is_logged_with_its_message_and_document(
    call_api: CallRoute,
    s3_client: Any,
    lambda_context: FakeLambdaContext,
    log_lines: LogLines,
    monkeypatch: pytest.MonkeyPatch,
):
    # Given an upload whose embedding fails for a transient reason
    item = upload(call_api, s3_client, "a.md", "text/markdown", SECRET_TEXT.encode())

    def unavailable() -> Any:
        raise LlmUnavailableError("The embeddings service is unavailable.")

    monkeypatch.setattr(ingest.ingest_context(), "embedder_factory", unavailable)
    log_lines()

    # When it is delivered for the second time
    response = deliver(lambda_context, item, receive_count=2)

    # Then the message is retried, and the error line says which message and document
    assert response["batchItemFailures"] == [{"itemIdentifier": "message-0"}]
    (failed,) = _lines(log_lines(), "ingest failed; the message will be retried")
    assert failed["level"] == "ERROR"
    assert (failed["correlation_id"], failed["document_id"], failed["receive_count"]) == (
        "message-0",
        item.document_id,
        2,
    )
    assert SECRET_TEXT not in json.dumps(failed)


def test_api_lines_carry_the_request_id_of_the_access_log(call_api: CallRoute, log_lines: LogLines):
    # When a document is created
    result = call_api(
        "POST", "/documents", body={"name": "a.md", "contentType": "text/markdown", "size": 10}
    )

    # Then its line carries API Gateway's request id (the access log's requestId)
    (created,) = _lines(log_lines(), "document created")
    assert created["correlation_id"] == "test-request"
    assert created["document_id"] == result.body["document"]["documentId"]
    assert created["service"] == "api"


def test_no_line_holds_document_text_a_question_an_answer_or_a_signature(
    call_api: CallRoute,
    s3_client: Any,
    lambda_context: FakeLambdaContext,
    call_agent: CallRoute,
    log_lines: LogLines,
    capsys: pytest.CaptureFixture[str],
):
    # Given a document uploaded, ingested and asked about, every function logging
    item = upload(call_api, s3_client, "notes.md", "text/markdown", SECRET_TEXT.encode())
    deliver(lambda_context, item)
    message = ask(call_agent, QUESTION)
    assert "zebra-quartz-4417" in message["answer"]

    # Then the logs say what happened
    lines = log_lines()
    messages = {line["message"] for line in lines}
    assert {"document created", "document ready", "question answered"} <= messages
    # and none of the private values is in any of them (nor on stderr)
    logged = json.dumps(lines) + capsys.readouterr().err
    for private in (SECRET_TEXT, "zebra-quartz-4417", QUESTION, item.signature):
        assert private not in logged


def _log_calls(path: Path) -> Iterator[ast.Call]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in LOG_METHODS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "logger"
        ):
            yield node


def test_every_log_call_is_a_fixed_message_with_keyword_fields():
    calls = [
        (path.relative_to(ROOT).as_posix(), call)
        for path in sorted((ROOT / "handlers").rglob("*.py"))
        for call in _log_calls(path)
    ]
    assert len(calls) > 10  # the walk finds the handlers' log calls

    problems = [
        f"{path}:{call.lineno}"
        for path, call in calls
        if len(call.args) != 1
        or not isinstance(call.args[0], ast.Constant)
        or not isinstance(call.args[0].value, str)
        or any(keyword.arg is None or keyword.arg in FORBIDDEN_FIELDS for keyword in call.keywords)
    ]
    assert problems == []
