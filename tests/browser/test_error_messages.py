"""Quota and LLM-unavailable answers are shown as messages, and the question is kept."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import screenshot

MESSAGES = re.compile(r".*/api/conversations/[^/]+/messages$")


@pytest.mark.parametrize(
    ("status", "code", "retry_after", "shown"),
    [
        (
            429,
            "quota_exceeded",
            "3600",
            "You have used today's question quota. Try again in 1 hour.",
        ),
        (
            503,
            "llm_unavailable",
            "30",
            "The answering service is unavailable right now. Try again in 30 seconds.",
        ),
    ],
)
def test_refused_question_is_explained_and_kept(
    signed_in: Page, status: int, code: str, retry_after: str, shown: str
) -> None:
    page = signed_in
    page.get_by_role("link", name="Chat").click()

    # Given the API refuses the question (the quota is used up / the LLM is unavailable),
    def refuse(route: Route) -> None:
        route.fulfill(
            status=status,
            headers={"Retry-After": retry_after, "Content-Type": "application/json"},
            body=json.dumps({"error": {"code": code, "message": "refused"}}),
        )

    page.route(MESSAGES, refuse)

    # When the user asks,
    question = page.get_by_label("Your question")
    question.fill("What is the keeper's schedule?")
    question.press("Enter")

    # Then the page says why and when to retry, and the question is still in the box.
    expect(page.get_by_test_id("chat-error")).to_have_text(shown)
    expect(question).to_have_value("What is the keeper's schedule?")
    expect(page.get_by_role("button", name="Ask")).to_be_enabled()
    if status == 429:
        screenshot(page, "08-chat-quota-message")
