"""Conversations: each keeps its own messages, and the open one survives a reload."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, Route, expect

from tests.browser.pages import drop_file


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


def _watch(selector: str, alongside: str | None = None) -> str:
    """A script recording (in `window.__flashed`) whether an element matching `selector` was
    ever in the document, together with one matching `alongside` when given."""
    return f"""(([selector, alongside]) => {{
        window.__flashed = false;
        new MutationObserver(() => {{
            if (document.querySelector(selector) &&
                (!alongside || document.querySelector(alongside))) window.__flashed = true;
        }}).observe(document, {{ childList: true, subtree: true }});
    }})({json.dumps([selector, alongside])})"""


def test_a_reload_reopens_the_conversation_without_an_empty_state_flash(
    signed_in: Page,
) -> None:
    page = signed_in
    page.get_by_role("link", name="Chat").click()
    _ask(page, "Which boat brings the supplies?")
    expect(page).to_have_url(re.compile(r"/chat/\?c=\w+$"))
    # The list and the thread say when the conversation was last active
    item = page.get_by_test_id("conversation-item").first
    expect(item.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))

    # When the page is reloaded, watched from its first byte
    page.add_init_script(_watch("[data-testid=chat-empty]"))
    page.reload()

    # Then the conversation comes back, and "Ask about your documents" never showed meanwhile
    expect(page.get_by_test_id("message")).to_have_count(1)
    expect(page.get_by_test_id("conversation-title")).to_have_text(
        "Which boat brings the supplies?"
    )
    assert page.evaluate("() => window.__flashed") is False


def test_an_upload_never_shows_the_empty_library_meanwhile(signed_in: Page) -> None:
    page = signed_in
    expect(page.get_by_test_id("documents-empty")).to_be_visible()
    page.evaluate(
        _watch(
            "[data-testid=documents-empty]",
            "[data-testid=upload-row], [data-testid=document-row]",
        )
    )

    drop_file(page, "tide-table.txt", "High tide at Cape Morrow is at 06:12 on Tuesdays.\n")

    row = page.get_by_test_id("document-row").filter(has_text="tide-table.txt")
    expect(row.get_by_test_id("document-status")).to_have_text("Ready", timeout=60_000)
    expect(page.get_by_test_id("documents-empty")).to_have_count(0)
    assert page.evaluate("() => window.__flashed") is False


def test_a_long_conversation_shows_its_earlier_messages_on_demand(signed_in: Page) -> None:
    """Against the paging contract (CONTRACTS.md §2): the API returns the latest messages
    and `olderCursor`; `GET .../messages?cursor=` the page before."""
    page = signed_in
    page.get_by_role("link", name="Chat").click()
    _ask(page, "When was the lamp last cleaned?")
    # Given the conversation served as a long one: one more page of earlier messages
    earlier = {
        "messageId": "01J00000000000000000000000",
        "question": "Who built the lighthouse?",
        "answer": "It was built by the island's masons.",
        "citations": [],
        "usage": {"promptTokens": 0, "completionTokens": 0},
        "model": "offline",
        "createdAt": "2026-01-01T10:00:00Z",
    }

    def with_cursor(route: Route) -> None:
        response = route.fetch()
        details = response.json()
        details["olderCursor"] = "older-page"
        route.fulfill(response=response, body=json.dumps(details))

    def older_page(route: Route) -> None:
        assert "cursor=older-page" in route.request.url
        body = json.dumps({"items": [earlier], "nextCursor": None})
        route.fulfill(status=200, content_type="application/json", body=body)

    page.route(re.compile(r".*/conversations/\w+$"), with_cursor)
    page.route(re.compile(r".*/conversations/\w+/messages\?.*"), older_page)
    page.reload()
    expect(page.get_by_test_id("message")).to_have_count(1)

    page.get_by_test_id("older-messages").click()

    messages = page.get_by_test_id("message")
    expect(messages).to_have_count(2)
    expect(messages.first).to_contain_text("Who built the lighthouse?")
    expect(messages.last).to_contain_text("When was the lamp last cleaned?")
    expect(page.get_by_test_id("older-messages")).to_have_count(0)
