"""Readable on a phone and usable from the keyboard."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, screenshot
from tests.browser.pages import sign_in


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_pages_fit_a_phone_screen(
    browser: Browser, site: dict[str, str], account: tuple[str, str]
) -> None:
    context = browser.new_context(base_url=site["url"], viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        page.goto("/signin/")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert _fits_the_screen(page)

        sign_in(page, *account)
        expect(page.get_by_test_id("documents-empty")).to_be_visible()
        assert _fits_the_screen(page)
        screenshot(page, "10-phone-documents")

        page.get_by_role("link", name="Chat").click()
        expect(page.get_by_test_id("chat-empty")).to_be_visible()
        assert _fits_the_screen(page)
        screenshot(page, "11-phone-chat")
    finally:
        context.close()


def test_sign_in_and_reach_the_file_picker_with_the_keyboard_only(
    page: Page, account: tuple[str, str]
) -> None:
    email, password = account
    page.goto("/signin/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    # Tab from the top of the page to the e-mail field, type, tab, type, Enter.
    _tab_until(page, "#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/documents/$"))

    # The file picker is reachable by Tab as well.
    _tab_until(page, "[data-testid=file-input]")


def _tab_until(page: Page, selector: str, limit: int = 15) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} was not reached with {limit} presses of Tab")
