"""Conversations: each keeps its own messages, and the open one survives a reload."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def _ask(page: Page, question: str) -> None:
    page.get_by_label("Your question").fill(question)
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_test_id("message").last).to_contain_text(question, timeout=60_000)


def test_switching_conversations_shows_their_own_messages(signed_in: Page) -> None:
    page = signed_in
    page.get_by_role("link", name="Chat").click()
    expect(page.get_by_test_id("conversations-empty")).to_be_visible()

    # Given two conversations, one question each,
    _ask(page, "Where is the lighthouse?")
    page.get_by_test_id("new-conversation").click()
    expect(page.get_by_test_id("chat-empty")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/chat/$"))
    _ask(page, "Who keeps the lamp?")
    items = page.get_by_test_id("conversation-item")
    expect(items).to_have_count(2)

    # When the user opens the first one, they see its messages only.
    page.get_by_role("button", name="Where is the lighthouse?").click()
    messages = page.get_by_test_id("message")
    expect(messages).to_have_count(1)
    expect(messages.first).to_contain_text("Where is the lighthouse?")
    expect(page.get_by_role("button", name="Where is the lighthouse?")).to_have_attribute(
        "aria-current", "true"
    )

    # And after a reload the same conversation is open (its id is in the URL).
    page.reload()
    expect(page.get_by_test_id("message")).to_have_count(1)
    expect(page.get_by_test_id("message").first).to_contain_text("Where is the lighthouse?")


def test_deleting_a_conversation_removes_it(signed_in: Page) -> None:
    page = signed_in
    page.get_by_role("link", name="Chat").click()
    _ask(page, "What is stored in the ledger?")
    expect(page.get_by_test_id("conversation-title")).to_have_text("What is stored in the ledger?")

    # When the user deletes the open conversation (and confirms),
    page.get_by_test_id("delete-conversation").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("What is stored in the ledger?")
    dialog.get_by_test_id("confirm-delete").click()

    # Then it is gone from the list and the thread, also after a reload.
    expect(page.get_by_test_id("conversation-item")).to_have_count(0)
    expect(page.get_by_test_id("chat-empty")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/chat/$"))
    page.reload()
    expect(page.get_by_test_id("conversations-empty")).to_be_visible()
