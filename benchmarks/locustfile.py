"""The load test's users (Locust): each signs up and in, uploads a document, waits for it to
be READY, then lists, reads and asks questions, as a person using the site would.

Run by `benchmarks/loadtest.py` (`make loadtest`), which starts the local stack and passes
its details in the environment. Requests are named by route template, so the statistics
are per route. Each user stops after LOAD_TASKS tasks: the run is bounded in count as
well as in time.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

from locust import HttpUser, between, task
from locust.exception import StopUser

CLIENT_ID = os.environ.get("LOAD_CLIENT_ID", "")
TASKS_PER_USER = int(os.environ.get("LOAD_TASKS", "40"))
NOTE = (
    "Load test note {n}. The warehouse opens at seven. Deliveries are accepted until noon. "
    "The loading bay holds four lorries; the night shift keeps the ledger up to date. "
)
QUESTIONS = (
    "When does the warehouse open?",
    "Until when are deliveries accepted?",
    "How many lorries does the loading bay hold?",
)
COGNITO_TARGET = "AWSCognitoIdentityProviderService."


class DocAgentUser(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.tasks_done = 0
        self.email = f"load-{uuid.uuid4().hex[:10]}@example.com"
        password = f"Pw-{uuid.uuid4().hex[:8]}-Aa1"
        self._cognito(
            "SignUp", {"ClientId": CLIENT_ID, "Username": self.email, "Password": password}
        )
        result = self._cognito(
            "InitiateAuth",
            {
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": CLIENT_ID,
                "AuthParameters": {"USERNAME": self.email, "PASSWORD": password},
            },
        )
        self.token = result["AuthenticationResult"]["IdToken"]
        self.document_id = self._upload(NOTE.format(n=uuid.uuid4().hex[:6]).encode() * 20)
        created = self._api("POST", "/conversations", "/conversations", {"title": "Load"})
        self.conversation_id = created["conversationId"]

    # --- what a signed-in person does --------------------------------------------------

    @task(3)
    def ask(self) -> None:
        self._count()
        question = QUESTIONS[self.tasks_done % len(QUESTIONS)]
        self._api(
            "POST",
            f"/conversations/{self.conversation_id}/messages",
            "/conversations/{conversationId}/messages",
            {"question": question},
        )

    @task(2)
    def list_documents(self) -> None:
        self._count()
        self._api("GET", "/documents", "/documents")

    @task(2)
    def list_conversations(self) -> None:
        self._count()
        self._api("GET", "/conversations", "/conversations")

    @task(1)
    def read_conversation(self) -> None:
        self._count()
        self._api(
            "GET", f"/conversations/{self.conversation_id}", "/conversations/{conversationId}"
        )

    @task(1)
    def read_document(self) -> None:
        self._count()
        self._api("GET", f"/documents/{self.document_id}", "/documents/{documentId}")

    # --- helpers -----------------------------------------------------------------------

    def _count(self) -> None:
        self.tasks_done += 1
        if self.tasks_done > TASKS_PER_USER:
            raise StopUser()

    def _api(self, method: str, path: str, name: str, body: Any = None) -> Any:
        with self.client.request(
            method,
            f"/api{path}",
            json=body,
            headers={"Authorization": self.token},
            name=f"{method} {name}",
            catch_response=True,
        ) as response:
            if response.status_code >= 400:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return {}
            response.success()
            return response.json() if response.content else {}

    def _cognito(self, action: str, payload: dict[str, Any]) -> Any:
        with self.client.post(
            "/cognito/",
            json=payload,
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": COGNITO_TARGET + action,
            },
            name=f"cognito {action}",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                raise StopUser()
            return response.json()

    def _upload(self, content: bytes) -> str:
        created = self._api(
            "POST",
            "/documents",
            "/documents",
            {"name": "note.txt", "contentType": "text/plain", "size": len(content)},
        )
        upload = created["upload"]
        with self.client.post(
            upload["url"],
            data=upload["fields"],
            files={"file": ("note.txt", content, "text/plain")},
            name="POST /s3/{bucket} (presigned upload)",
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 201, 204):
                response.failure(f"{response.status_code}: {response.text[:200]}")
                raise StopUser()
        document_id: str = created["document"]["documentId"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            document = self._api("GET", f"/documents/{document_id}", "/documents/{documentId}")
            if document.get("document", {}).get("status") != "PENDING":
                break
            time.sleep(0.5)
        return document_id
