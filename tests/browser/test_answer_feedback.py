"""The demo user's first minute: a suggested question answered from the sample library, a
👎 with a comment, changed to 👍 and back, and the team's CSV export that shows it."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from typing import Any

from playwright.sync_api import Page, expect

from local.demo.library import QUESTIONS
from tests.browser.conftest import REPO_ROOT, screenshot
from tests.browser.pages import sign_in

COMMENT = "The gate closes at 19:00 but I asked about Sundays."


def _export(site: dict[str, Any]) -> list[dict[str, str]]:
    """`make feedback` against the local stack's table."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": site["moto_endpoint"],
        "AWS_DEFAULT_REGION": site["region"],
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
    result = subprocess.run(
        [sys.executable, "scripts/feedback_export.py", "--table", site["table_name"]],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_demo_question_feedback_given_changed_and_exported(
    page: Page, site: dict[str, Any]
) -> None:
    question, fact = QUESTIONS[0]
    # Given the demo user on an empty chat, with questions about the sample library
    sign_in(page, site["demo_email"], site["demo_password"])
    expect(page.get_by_test_id("document-row")).to_have_count(2)
    page.get_by_role("link", name="Chat").click()
    suggested = page.get_by_test_id("suggested-question")
    expect(suggested).to_have_count(len(QUESTIONS))
    screenshot(page, "20-demo-suggestions")

    # When they pick the first one, it is asked and answered from the sample handbook
    suggested.filter(has_text=question).click()
    message = page.get_by_test_id("message").first
    expect(message.get_by_test_id("answer-text")).to_contain_text(fact, timeout=60_000)
    expect(message.get_by_test_id("citation").first).to_contain_text("northwind")

    # When they rate it 👎 and say why
    feedback = message.get_by_test_id("feedback")
    feedback.get_by_test_id("feedback-down").click()
    expect(feedback.get_by_test_id("feedback-down")).to_have_attribute("aria-pressed", "true")
    feedback.get_by_test_id("feedback-comment").fill(COMMENT)
    feedback.get_by_test_id("feedback-send").click()
    expect(feedback.get_by_test_id("feedback-status")).to_have_text("Comment saved. Thank you.")
    screenshot(page, "21-feedback-given")

    # Then the team's export lists the question, the answer, its source and the comment
    (row,) = [r for r in _export(site) if r["question"] == question]
    assert fact in row["answer"]
    assert "northwind-visitor-handbook.pdf" in row["citations"]
    assert row["comment"] == COMMENT
    assert site["demo_email"] not in str(row)

    # When they change their mind (👍), the 👎 leaves the export, and it survives a reload
    feedback.get_by_test_id("feedback-up").click()
    expect(feedback.get_by_test_id("feedback-up")).to_have_attribute("aria-pressed", "true")
    expect(feedback.get_by_test_id("feedback-down")).to_have_attribute("aria-pressed", "false")
    assert not [r for r in _export(site) if r["question"] == question]
    page.reload()
    again = page.get_by_test_id("message").first.get_by_test_id("feedback")
    expect(again.get_by_test_id("feedback-up")).to_have_attribute("aria-pressed", "true")
    expect(again.get_by_test_id("feedback-edit-comment")).to_have_text("Edit comment")
