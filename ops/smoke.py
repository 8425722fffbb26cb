"""The smoke test: one real user journey against a deployed stack (or the local one).

    python -m ops.smoke --stack dev            # outputs from `pulumi stack output`
    python -m ops.smoke --outputs outputs.json

Health must say ok; then a throwaway user (created with the Cognito admin API, so no
e-mail is sent) signs in, uploads a small document, waits for it to be READY, asks a
question whose answer is only in that document, checks the answer cites it, and deletes
the document, the conversation and the user (also when a step fails). Each step is timed.
Exit status 0 when every step passed. The pipeline runs it after `pulumi up` of dev; `make
test` runs it against the local stack (tests/ops/test_smoke.py).
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ops.aws import client
from ops.http import post_form, request
from ops.outputs import StackOutputs, load_outputs

FACT = "The smoke test's harbour light is painted periwinkle and blinks every 7 seconds."
QUESTION = "What colour is the smoke test's harbour light painted?"
EXPECTED_WORD = "periwinkle"
DOCUMENT_NAME = "smoke-test.txt"
READY_TIMEOUT_SECONDS = 180.0

T = TypeVar("T")


class SmokeFailure(AssertionError):
    """A step did not do what a user needs; the message says which and what happened."""


@dataclass
class StepTimes:
    steps: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.steps.append((name, (time.perf_counter() - started) * 1000))

    def table(self) -> str:
        width = max((len(name) for name, _ in self.steps), default=4)
        lines = [f"{'step'.ljust(width)}  ms"]
        lines += [f"{name.ljust(width)}  {ms:8.0f}" for name, ms in self.steps]
        return "\n".join(lines)


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def _poll(check: Callable[[], T | None], timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise SmokeFailure(f"{what} after {timeout:.0f} s")
        time.sleep(0.5)


@dataclass
class Journey:
    outputs: StackOutputs
    endpoint_url: str | None = None
    """An AWS endpoint for the admin calls (the local stack's moto); None for AWS."""
    times: StepTimes = field(default_factory=StepTimes)
    token: str | None = None
    document_id: str | None = None
    """The throwaway document, once created (deleted again by the end of the run)."""

    def api(self, method: str, path: str, payload: Any = None) -> Any:
        reply = request(method, f"{self.outputs.api_url}{path}", payload=payload, token=self.token)
        if reply.status >= 400:
            raise SmokeFailure(f"{method} {path} answered {reply.status}: {reply.body[:300]!r}")
        return reply.json()

    def run(self) -> StepTimes:
        with self.times.step("health"):
            self.check_health()
        cognito = client("cognito-idp", self.outputs.region, self.endpoint_url)
        email = f"smoke-{secrets.token_hex(6)}@example.com"
        with self.times.step("create user"):
            self.token = self.create_user(cognito, email)
        try:
            self.journey()
        finally:
            with self.times.step("delete user"):
                cognito.admin_delete_user(UserPoolId=self.outputs.user_pool_id, Username=email)
        return self.times

    def check_health(self) -> None:
        reply = request("GET", self.outputs.health_url)
        body = reply.json() if reply.body.startswith(b"{") else None
        _expect(
            reply.status == 200 and isinstance(body, dict) and body.get("status") == "ok",
            f"GET /health answered {reply.status}: {reply.body[:300]!r}",
        )

    def create_user(self, cognito: Any, email: str) -> str:
        password = f"Smoke-{secrets.token_urlsafe(12)}-9a"
        pool = self.outputs.user_pool_id
        cognito.admin_create_user(
            UserPoolId=pool,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool, Username=email, Password=password, Permanent=True
        )
        signed_in = cognito.initiate_auth(
            ClientId=self.outputs.user_pool_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
        token: str = signed_in["AuthenticationResult"]["IdToken"]
        return token

    def journey(self) -> None:
        data = f"Smoke test notes.\n\n{FACT}\n".encode()
        with self.times.step("upload"):
            created = self.api(
                "POST",
                "/documents",
                {"name": DOCUMENT_NAME, "contentType": "text/plain", "size": len(data)},
            )
            form = created["upload"]
            sent = post_form(form["url"], form["fields"], DOCUMENT_NAME, data, "text/plain")
            _expect(sent.status in (200, 201, 204), f"the upload answered {sent.status}")
        document_id: str = created["document"]["documentId"]
        self.document_id = document_id
        conversation_id: str | None = None
        try:
            with self.times.step("ingest (until READY)"):
                document = _poll(
                    lambda: self._finished(document_id), READY_TIMEOUT_SECONDS, "not READY"
                )
                _expect(document["status"] == "READY", f"the document is {document}")
            with self.times.step("ask"):
                conversation = self.api("POST", "/conversations", {"title": "Smoke test"})
                conversation_id = conversation["conversationId"]
                answer = self.api(
                    "POST", f"/conversations/{conversation_id}/messages", {"question": QUESTION}
                )
                self._check_answer(answer, document_id)
        finally:
            with self.times.step("delete"):
                if conversation_id is not None:
                    self.api("DELETE", f"/conversations/{conversation_id}")
                self.api("DELETE", f"/documents/{document_id}")
                gone = request(
                    "GET", f"{self.outputs.api_url}/documents/{document_id}", token=self.token
                )
                _expect(gone.status == 404, f"a deleted document answered {gone.status}")

    def _finished(self, document_id: str) -> dict[str, Any] | None:
        document: dict[str, Any] = self.api("GET", f"/documents/{document_id}")["document"]
        return None if document["status"] == "PENDING" else document

    @staticmethod
    def _check_answer(answer: dict[str, Any], document_id: str) -> None:
        cited = {citation["documentId"] for citation in answer.get("citations", [])}
        _expect(document_id in cited, f"the answer cites {sorted(cited)}, not the document")
        quoted = answer["answer"] + " ".join(c["excerpt"] for c in answer["citations"])
        _expect(EXPECTED_WORD in quoted.lower(), "the answer does not carry the document's fact")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.smoke", description=__doc__.split("\n")[0])
    parser.add_argument("--stack", help="the Pulumi stack (dev, prod)")
    parser.add_argument("--outputs", type=Path, help="a JSON file of the stack's outputs")
    parser.add_argument(
        "--health-only", action="store_true", help="only GET /health (prod: no test user)"
    )
    args = parser.parse_args(argv)
    outputs = load_outputs(args.stack, args.outputs)
    journey = Journey(outputs)
    try:
        if args.health_only:
            with journey.times.step("health"):
                journey.check_health()
        else:
            journey.run()
    except SmokeFailure as failure:
        print(journey.times.table())
        print(f"smoke test FAILED: {failure}", file=sys.stderr)
        return 1
    print(journey.times.table())
    print(f"smoke test passed against {outputs.api_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
