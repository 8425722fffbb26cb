"""Feedback on answers through `PUT /conversations/{id}/messages/{messageId}/feedback`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.agent.conftest import CallAgent, Library
from tests.support.conversations import ask
from tests.support.events import USER_A, USER_B

TERMS = [(1, "The warranty covers manufacturing defects for two years from delivery.")]


def _answered(call_agent: CallAgent, library: Library) -> tuple[str, dict[str, Any]]:
    library.add(USER_A, "terms.txt", TERMS)
    result, conversation = ask(call_agent, "How long is the warranty?")
    assert result.status == 200, result.body
    path = (
        f"/conversations/{conversation['conversationId']}"
        f"/messages/{result.body['messageId']}/feedback"
    )
    return path, conversation


def _emf(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    records = []
    for line in capsys.readouterr().out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            records.append(json.loads(line))
    return records


def test_feedback_is_stored_changed_and_read_back(call_agent: CallAgent, library: Library) -> None:
    # Given an answered question
    path, conversation = _answered(call_agent, library)
    assert (
        call_agent("GET", f"/conversations/{conversation['conversationId']}").body["messages"][0][
            "feedback"
        ]
        is None
    )

    # When the reader gives a thumbs down with a comment
    down = call_agent("PUT", path, body={"rating": "down", "comment": "  Wrong page.  "})

    # Then the message comes back with it, and reading the conversation shows it
    assert down.status == 200, down.body
    assert down.body["feedback"]["rating"] == "down"
    assert down.body["feedback"]["comment"] == "Wrong page."
    assert down.body["feedback"]["updatedAt"]
    stored = call_agent("GET", f"/conversations/{conversation['conversationId']}").body
    assert stored["messages"][0]["feedback"] == down.body["feedback"]

    # And changing it to a thumbs up without a comment replaces both
    up = call_agent("PUT", path, body={"rating": "up", "comment": ""})
    assert up.status == 200
    assert up.body["feedback"]["rating"] == "up"
    assert up.body["feedback"]["comment"] is None


def test_the_same_feedback_twice_changes_and_counts_nothing(
    call_agent: CallAgent, library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = _answered(call_agent, library)
    _emf(capsys)

    first = call_agent("PUT", path, body={"rating": "down"})
    first_metrics = _emf(capsys)
    again = call_agent("PUT", path, body={"rating": "down"})
    again_metrics = _emf(capsys)

    assert again.status == 200
    assert again.body == first.body  # same updatedAt: nothing was written
    negatives = [r for r in first_metrics if r.get("FeedbackNegative") in (1.0, [1.0])]
    assert {r.get("model") for r in negatives} == {None, "offline"}  # overall and by model
    assert not [r for r in again_metrics if "FeedbackNegative" in r or "FeedbackPositive" in r]


def test_feedback_is_owner_only(call_agent: CallAgent, library: Library) -> None:
    path, _ = _answered(call_agent, library)

    theirs = call_agent("PUT", path, user=USER_B, body={"rating": "down"})

    assert theirs.status == 404
    assert theirs.body["error"]["code"] == "not_found"
    mine = call_agent("PUT", path, body={"rating": "up"})
    assert mine.body["feedback"]["rating"] == "up"


@pytest.mark.parametrize(
    "body",
    [
        {"rating": "meh"},
        {},
        {"rating": "up", "comment": "x" * 1001},
    ],
)
def test_invalid_feedback_is_refused_with_a_reason(
    call_agent: CallAgent, library: Library, body: dict[str, Any]
) -> None:
    path, _ = _answered(call_agent, library)

    result = call_agent("PUT", path, body=body)

    assert result.status == 400
    assert result.body["error"]["message"]


def test_feedback_on_a_missing_message_or_conversation_is_404(
    call_agent: CallAgent, library: Library
) -> None:
    path, conversation = _answered(call_agent, library)
    conversation_id = conversation["conversationId"]
    missing = path.rsplit("/messages/", 1)[0] + "/messages/01HZZZZZZZZZZZZZZZZZZZZZZZ/feedback"

    assert call_agent("PUT", missing, body={"rating": "up"}).status == 404
    assert (
        call_agent("PUT", "/conversations/bad/messages/bad/feedback", body={"rating": "up"}).status
        == 404
    )
    call_agent("DELETE", f"/conversations/{conversation_id}")
    assert call_agent("PUT", path, body={"rating": "up"}).status == 404
