"""A user's whole visit, in a real browser against the local stack: sign up, sign in,
upload a document and watch it become READY, ask a question and open a citation, delete
the document, sign out. Each page is saved as a screenshot."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import fresh_credentials, screenshot
from tests.browser.pages import drop_file, sign_in, sign_out

HANDBOOK = (
    "# Field handbook\n\n"
    "The lighthouse at Cape Morrow was built in 1874 from granite quarried on the island.\n"
    "Its lamp is visible for 22 nautical miles and is tended by two keepers.\n\n"
    "Supplies reach the island by boat every second Tuesday, weather permitting.\n"
)
# Enough bytes that a throttled upload takes a few seconds.
LEDGER = "".join(
    f"Stores ledger entry {n}: rope, oil, biscuits and lamp wicks.\n" for n in range(2500)
)


def test_sign_up_upload_ask_cite_delete_sign_out(
    page: Page, site: dict[str, Any], tmp_path: Path
) -> None:
    email, password = fresh_credentials()

    # Given a visitor who is not signed in: the site sends them to sign in.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/signin/$"))
    screenshot(page, "01-sign-in")

    # When they sign up (the local pool confirms at once: no code step), they are signed in.
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    screenshot(page, "02-sign-up")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/documents/$"))
    expect(page.get_by_test_id("account-email")).to_have_text(email)
    expect(page.get_by_test_id("documents-empty")).to_be_visible()
    expect(page).to_have_title("Documents · Doc Agent")
    screenshot(page, "03-documents-empty")

    # And they sign out and back in with the same credentials.
    sign_out(page)
    sign_in(page, email, password)

    # When they pick a file, it uploads straight to S3 with a progress bar in its row (the
    # upload is throttled so the bar is on screen long enough to be seen).
    ledger = tmp_path / "stores-ledger.txt"
    ledger.write_text(LEDGER)
    throttle = page.context.new_cdp_session(page)
    throttle.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 64_000},
    )
    page.get_by_test_id("file-input").set_input_files(ledger)
    ledger_row = page.get_by_test_id("document-row").filter(has_text="stores-ledger.txt")
    expect(ledger_row.get_by_test_id("upload-progress")).to_be_visible()
    expect(ledger_row.get_by_test_id("document-status")).to_have_text("Uploading")
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=upload-progress]')?.value) > 0"
    )
    screenshot(page, "04-uploading")

    # Then the list follows it from PENDING to READY without a reload.
    expect(ledger_row.get_by_test_id("upload-progress")).to_have_count(0, timeout=30_000)
    throttle.detach()
    expect(ledger_row.get_by_test_id("document-status")).to_have_text("Ready", timeout=60_000)

    # And a second document, dropped on the page, does the same.
    drop_file(page, "handbook.md", HANDBOOK)
    row = page.get_by_test_id("document-row").filter(has_text="handbook.md")
    expect(row.get_by_test_id("document-status")).to_have_text("Ready", timeout=60_000)
    expect(row).to_have_attribute("data-status", "READY")
    screenshot(page, "05-documents-ready")

    # When they ask a question in the chat, the answer cites the document.
    page.get_by_role("link", name="Chat").click()
    expect(page).to_have_url(re.compile(r"/chat/$"))
    expect(page.get_by_test_id("chat-empty")).to_be_visible()
    expect(page).to_have_title("Chat · Doc Agent")
    page.get_by_label("Your question").fill("How far away is the lighthouse lamp visible?")
    page.get_by_role("button", name="Ask").click()
    message = page.get_by_test_id("message").first
    expect(message).to_be_visible(timeout=60_000)
    expect(message.get_by_test_id("offline-badge")).to_have_text("Offline mode")
    citations = message.get_by_test_id("citation")
    expect(citations.first).to_contain_text("handbook.md")
    expect(page.get_by_test_id("conversation-item")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/chat/\?c=\w+$"))
    expect(page.get_by_label("Your question")).to_have_value("")

    # And opening a citation shows the document's name, its section (Markdown has no pages)
    # and the section's text with the answering sentence highlighted.
    citations.first.click()
    panel = message.get_by_test_id("citation-panel")
    expect(panel.get_by_test_id("citation-document")).to_have_text("handbook.md")
    expect(panel.get_by_test_id("citation-page")).to_contain_text("Field handbook")
    expect(panel.get_by_test_id("citation-quote")).to_contain_text("nautical miles")
    expect(panel.get_by_test_id("citation-text")).to_contain_text("built in 1874")
    expect(message.get_by_test_id("doubtful-badge")).to_have_count(0)
    screenshot(page, "06-chat-citation")

    # A question about something the handbook never mentions ("Lisbon") gets the closest
    # passages, marked doubtful.
    page.get_by_label("Your question").fill("Is the lighthouse lamp visible from Lisbon?")
    page.get_by_role("button", name="Ask").click()
    doubted = page.get_by_test_id("message").nth(1)
    expect(doubted).to_be_visible(timeout=60_000)
    expect(doubted.get_by_test_id("doubtful-badge")).to_have_text("Doubtful")
    expect(doubted.get_by_test_id("answer-text")).to_contain_text(
        "never mention \u201cLisbon\u201d"
    )

    # When they delete the document (after confirming), it leaves the list.
    page.get_by_role("link", name="Documents").click()
    row.get_by_test_id("delete-document").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    screenshot(page, "07-delete-confirmation", full_page=False)
    dialog.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("notice")).to_have_text("Deleted handbook.md.")
    expect(row).to_have_count(0)
    expect(ledger_row).to_have_count(1)

    # And after signing out, the pages that need a session send them back to sign in.
    sign_out(page)
    page.goto("/documents/")
    expect(page).to_have_url(re.compile(r"/signin/\?next=%2Fdocuments%2F$"))
