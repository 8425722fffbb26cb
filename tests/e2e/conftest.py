"""The local stack for the end-to-end tests: started once, as `make dev` starts it.

`python -m local --port 0 --json` runs in a child process (its own environment, its own
moto state), the fixture reads the stack's details from the JSON line it prints, and stops
it with SIGINT, the Ctrl-C of a person at the terminal, expecting a clean exit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jwt
import pytest

from tests.e2e import documents
from tests.e2e.client import Api, cognito, sign_in, upload

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)
            # The tests speak HTTP to 127.0.0.1 (where the stack binds), nothing else.
            item.add_marker(pytest.mark.enable_socket)


@contextmanager
def running_stack(
    log_path: Path,
    extra_env: dict[str, str] | None = None,
    stop_signals: tuple[signal.Signals, ...] = (signal.SIGINT,),
) -> Iterator[dict[str, Any]]:
    """`python -m local` in a child process; yields its details, then sends `stop_signals`
    (Ctrl-C by default) and expects a clean exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AWS_"))}
    env.update(extra_env or {})
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local", "--port", "0", "--json"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield _wait_for_details(process, log_path)
        finally:
            for stop_signal in stop_signals:
                process.send_signal(stop_signal)
            try:
                code = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    output = log_path.read_text(errors="replace")
    assert code == 0, output[-4000:]
    assert "Stopped." in output


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with running_stack(tmp_path_factory.mktemp("local-stack") / "stack.log") as details:
        yield details


def _wait_for_details(process: subprocess.Popen[bytes], log_path: Path) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for line in log_path.read_text(errors="replace").splitlines():
            if line.startswith('{"localStack"'):
                details: dict[str, Any] = json.loads(line)["localStack"]
                return details
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    pytest.fail("the local stack did not start:\n" + log_path.read_text(errors="replace"))


class User:
    """A signed-up, signed-in user and their API client."""

    def __init__(self, stack: dict[str, Any], email: str, password: str) -> None:
        self.email = email
        self.password = password
        self.tokens = sign_in(
            stack["cognito_endpoint"], stack["user_pool_client_id"], email, password
        )
        self.api = Api(stack["api_url"], self.tokens["IdToken"])
        claims = jwt.decode(self.tokens["IdToken"], options={"verify_signature": False})
        self.sub: str = claims["sub"]


def sign_up(stack: dict[str, Any], email: str, password: str) -> dict[str, Any]:
    reply = cognito(
        stack["cognito_endpoint"],
        "SignUp",
        {"ClientId": stack["user_pool_client_id"], "Username": email, "Password": password},
    )
    assert reply.status == 200, reply.body
    payload: dict[str, Any] = reply.json
    return payload


def new_user(stack: dict[str, Any]) -> User:
    email = f"user-{uuid.uuid4().hex[:8]}@example.com"
    password = f"Pw-{uuid.uuid4().hex[:8]}-Aa1"
    sign_up(stack, email, password)
    return User(stack, email, password)


@pytest.fixture(scope="package")
def alice(stack: dict[str, Any]) -> User:
    return new_user(stack)


@pytest.fixture(scope="package")
def bob(stack: dict[str, Any]) -> User:
    return new_user(stack)


PDF_FACT = "The combination of the blue vault is 7319."
PDF_QUESTION = "What is the combination of the blue vault?"
DOCX_FACT = "The lighthouse keeper's cat is called Biscuit."
DOCX_QUESTION = "What is the lighthouse keeper's cat called?"
PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload_document(user: User, name: str, content: bytes, content_type: str) -> str:
    """Ask for an upload, POST the file to the presigned form; returns the document id."""
    reply = user.api.post(
        "/documents", {"name": name, "contentType": content_type, "size": len(content)}
    )
    assert reply.status == 201, reply.body
    uploaded = upload(reply.json["upload"], name, content, content_type)
    assert uploaded.status in (200, 201, 204), uploaded.body
    document_id: str = reply.json["document"]["documentId"]
    return document_id


@pytest.fixture(scope="package")
def library(alice: User) -> dict[str, dict[str, Any]]:
    """Alice's PDF (the vault's combination on page 2 of 3) and DOCX, once they are ingested."""
    return upload_library(alice)


def upload_library(user: User) -> dict[str, dict[str, Any]]:
    """Upload the PDF and the DOCX; returns each document (and its bytes) once ingested."""
    manual = documents.pdf(
        [
            documents.long_page("The first page is only filler.", seed=1),
            documents.long_page(PDF_FACT, seed=3),
            documents.long_page("The third page is only filler.", seed=5),
        ]
    )
    notes = documents.docx([documents.filler(200, seed=7), DOCX_FACT, documents.filler(200, 9)])
    ids = {
        "pdf": upload_document(user, "vault-manual.pdf", manual, PDF_CONTENT_TYPE),
        "docx": upload_document(user, "lighthouse-notes.docx", notes, DOCX_CONTENT_TYPE),
    }
    return {
        kind: {**user.api.wait_for_status(document_id), "content": content}
        for (kind, document_id), content in zip(ids.items(), (manual, notes), strict=True)
    }


@pytest.fixture(scope="package")
def conversation(alice: User, library: dict[str, dict[str, Any]]) -> dict[str, Any]:
    reply = alice.api.post("/conversations", {"title": "Vault questions"})
    assert reply.status == 201, reply.body
    created: dict[str, Any] = reply.json
    return created


@pytest.fixture(scope="package")
def vault_answer(alice: User, conversation: dict[str, Any]) -> dict[str, Any]:
    reply = alice.api.post(
        f"/conversations/{conversation['conversationId']}/messages", {"question": PDF_QUESTION}
    )
    assert reply.status == 200, reply.body
    answer: dict[str, Any] = reply.json
    return answer
