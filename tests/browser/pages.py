"""What a user does on each page, as steps the tests share."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/signin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/documents/$"))
    expect(page.get_by_test_id("account-email")).to_have_text(email)


def sign_out(page: Page) -> None:
    page.get_by_test_id("sign-out").click()
    expect(page).to_have_url(re.compile(r"/signin/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # Nothing of the session is left in the browser.
    assert page.evaluate("() => window.localStorage.length") == 0


def drop_file(page: Page, name: str, text: str, mime: str = "") -> None:
    """Drag-and-drop as the browser delivers it: a `drop` event carrying a DataTransfer."""
    transfer = page.evaluate_handle(
        """([name, text, mime]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, { type: mime }));
            return transfer;
        }""",
        [name, text, mime],
    )
    page.get_by_test_id("dropzone").dispatch_event("drop", {"dataTransfer": transfer})
