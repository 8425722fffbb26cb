"""A phone of 360 to 414 px: no page scrolls sideways, however many conversations and however
long their titles or the file names; the conversation list is a drawer."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import PHONE, WAIT_MS, screenshot
from tests.browser.pages import sign_in
from tests.e2e.conftest import new_user

LONG_WORD = "Supercalifragilisticexpialidocious" * 3
CONVERSATIONS = 14


def _overflow(page: Page) -> int:
    """How far the page is wider than the screen (0: it fits)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


def _phone(browser: Browser, site: dict[str, Any], viewport: ViewportSize) -> Page:
    context = browser.new_context(base_url=site["url"], viewport=viewport, is_mobile=True)
    context.set_default_timeout(WAIT_MS)
    return context.new_page()


@pytest.fixture
def busy_user(site: dict[str, Any]) -> tuple[str, str]:
    """A user with many conversations, long titles, and a document with a very long name."""
    user = new_user(site)
    for n in range(CONVERSATIONS):
        title = f"Question {n} about the {LONG_WORD} clause of the maintenance contract"
        assert user.api.post("/conversations", {"title": title}).status == 201
    name = f"quarterly-{LONG_WORD}-report-{'x' * 60}.pdf"
    reply = user.api.post("/documents", {"name": name, "contentType": "application/pdf", "size": 9})
    assert reply.status == 201, reply.body
    return user.email, user.password


def test_chat_with_many_conversations_fits_a_390_px_phone(
    browser: Browser, site: dict[str, Any], busy_user: tuple[str, str]
) -> None:
    page = _phone(browser, site, PHONE)
    try:
        sign_in(page, *busy_user)
        assert _overflow(page) == 0, "documents page"
        page.get_by_role("link", name="Chat").click()

        # The list is a drawer, closed: its button says how many there are
        toggle = page.get_by_test_id("conversations-toggle")
        expect(toggle).to_have_text(f"Conversations{CONVERSATIONS}")
        expect(page.get_by_test_id("conversation-item").first).to_be_hidden()
        assert _overflow(page) == 0, "chat page"
        ask = page.get_by_role("button", name="Ask").bounding_box()
        assert ask is not None
        assert ask["x"] + ask["width"] <= PHONE["width"]
        screenshot(page, "30-phone-chat-many")

        # Opened, it lists every conversation with its time, still within the screen
        toggle.click()
        items = page.get_by_test_id("conversation-item")
        expect(items).to_have_count(CONVERSATIONS)
        expect(items.first).to_be_visible()
        expect(items.first.locator("time")).to_be_visible()
        assert _overflow(page) == 0, "chat page, drawer open"
        screenshot(page, "31-phone-chat-drawer", full_page=False)

        # Picking one closes the drawer and opens it, its long title wrapped
        items.nth(3).click()
        expect(items.first).to_be_hidden()
        expect(page.get_by_test_id("conversation-title")).to_contain_text("Question 10")
        assert _overflow(page) == 0, "chat page, long title open"
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [360, 414])
def test_every_page_fits_narrow_and_wide_phones(
    browser: Browser, site: dict[str, Any], busy_user: tuple[str, str], width: int
) -> None:
    page = _phone(browser, site, {"width": width, "height": 800})
    try:
        page.goto("/signin/")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert _overflow(page) == 0, "sign in"
        page.goto("/signup/")
        expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
        assert _overflow(page) == 0, "sign up"
        sign_in(page, *busy_user)
        expect(page.get_by_test_id("document-name")).to_contain_text("quarterly-")
        assert _overflow(page) == 0, "documents, long file name"
        page.get_by_role("link", name="Chat").click()
        expect(page.get_by_test_id("conversations-toggle")).to_have_text(
            f"Conversations{CONVERSATIONS}"
        )
        assert _overflow(page) == 0, "chat"
    finally:
        page.context.close()
