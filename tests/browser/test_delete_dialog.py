"""Deleting asks first; Escape or Cancel keeps the document."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.pages import drop_file


def test_delete_can_be_cancelled(signed_in: Page) -> None:
    page = signed_in
    drop_file(page, "keep-me.txt", "Nothing to see here.\n")
    row = page.get_by_test_id("document-row").filter(has_text="keep-me.txt")
    expect(row).to_have_count(1)
    dialog = page.get_by_test_id("confirm-dialog")

    # Escape closes the confirmation without deleting,
    row.get_by_role("button", name="Delete keep-me.txt").click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # and so does Cancel.
    row.get_by_role("button", name="Delete keep-me.txt").click()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_test_id("document-row").filter(has_text="keep-me.txt")).to_have_count(1)
