"""Fuzz the local stack from docs/openapi.json with two users' tokens (schemathesis).

In `make test` a short seeded run (DOC_AGENT_FUZZ_EXAMPLES cases per operation and mode,
well under a minute); `make fuzz` runs the same with a few thousand requests. Either way:
no 5xx, no response the document does not describe, no invalid request accepted, nothing
of one user in the other's answers.
"""

from __future__ import annotations

import os
from typing import Any

from tests.e2e.conftest import User, new_user, upload_document
from tests.e2e.fuzzing import fuzz_api

EXAMPLES = int(os.environ.get("DOC_AGENT_FUZZ_EXAMPLES", "8"))
SEED = int(os.environ.get("DOC_AGENT_FUZZ_SEED", "1414"))
NOTE = b"The fuzzing user's note: the harbour master's parrot is called Captain Mauve."


def seeded_user(stack: dict[str, Any]) -> tuple[User, dict[str, str], list[str]]:
    """A user of the fuzz run's own (its DELETEs must not touch other tests' data) with a
    READY document, a conversation and a message; returns the ids and what is private."""
    user = new_user(stack)
    document_id = upload_document(user, "parrot-note.txt", NOTE, "text/plain")
    assert user.api.wait_for_status(document_id)["status"] == "READY"
    conversation_id = user.api.post("/conversations", {"title": "Parrots"}).json["conversationId"]
    message = user.api.post(
        f"/conversations/{conversation_id}/messages", {"question": "What is the parrot called?"}
    )
    assert message.status == 200, message.body
    ids = {
        "documentId": document_id,
        "conversationId": conversation_id,
        "messageId": message.json["messageId"],
        "part": "1",
    }
    return user, ids, [document_id, conversation_id, "Captain Mauve", "parrot-note", user.sub]


def test_fuzzing_finds_no_server_error_no_schema_violation_and_no_leak(
    stack: dict[str, Any],
) -> None:
    # Given a user with data, and another (both the run's own: it creates and deletes)
    owner, ids, private = seeded_user(stack)
    other_user = new_user(stack)

    # When the owner's requests are fuzzed over the document (with real ids half the time)
    # and the other user's are too, with the owner's ids
    own = fuzz_api(stack["api_url"], owner.api.token or "", ids, examples=EXAMPLES, seed=SEED)
    other = fuzz_api(
        stack["api_url"],
        other_user.api.token or "",
        ids,
        examples=EXAMPLES,
        seed=SEED + 1,
        forbidden=private,
    )

    print(f"\n--- fuzzing as the owner (seed {SEED}, {EXAMPLES} per operation and mode)")
    print(own.table())
    print(f"--- fuzzing as another user with the owner's ids (seed {SEED + 1})")
    print(other.table())
    print(f"total requests {own.requests + other.requests}")

    # Then nothing failed on the server, every answer is documented, nothing leaked
    for report in (own, other):
        assert report.requests >= 10 * EXAMPLES
        assert report.server_errors == 0, report.table()
        assert report.schema_violations == 0, report.table()
        assert report.accepted_invalid == 0, report.table()
    assert other.leaks == 0, other.table()
