"""Opening a citation shows the cited page (or section) with the quote highlighted and in
view, named as the document names it; without a part to show, the excerpt alone.

The site is tested against the API contract (CONTRACTS.md §1): the answer's citations get
`part`, offsets and labels, and `GET /documents/{id}/parts/{part}` is answered here, so the
test holds whichever backend serves them.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import screenshot
from tests.browser.pages import drop_file

HANDBOOK = (
    "# Field handbook\n\n"
    "The lighthouse at Cape Morrow was built in 1874 from granite quarried on the island.\n"
    "Its lamp is visible for 22 nautical miles and is tended by two keepers.\n"
)
BEFORE = "Filler line about the island and its weather.\n" * 80
AFTER = "\nThe rest of the page.\n" * 30


def _with_parts(route: Route) -> None:
    """The answer, its citations given parts: 1 (a PDF page) and 2 (a section without text)."""
    if route.request.method != "POST":
        route.continue_()
        return
    response = route.fetch()
    message = response.json()
    first = message["citations"][0]
    start = len(BEFORE)
    first.update(part=1, page=4, pageLabel="iv", section=None, start=start)
    first["end"] = start + len(first["excerpt"])
    second = {**first, "part": 2, "page": None, "pageLabel": None, "section": "Supplies"}
    message["citations"] = [first, second]
    message["answer"] += " [2]"
    route.fulfill(response=response, body=json.dumps(message))


def _part(route: Route, excerpt: dict[str, str]) -> None:
    if not route.request.url.endswith("/parts/1"):
        body = {"error": {"code": "not_found", "message": "Part not found."}}
        route.fulfill(status=404, content_type="application/json", body=json.dumps(body))
        return
    document_id = route.request.url.split("/documents/")[1].split("/")[0]
    part = {
        "documentId": document_id,
        "part": 1,
        "page": 4,
        "pageLabel": "iv",
        "section": None,
        "text": BEFORE + excerpt["text"] + AFTER,
    }
    route.fulfill(status=200, content_type="application/json", body=json.dumps(part))


def test_a_citation_opens_its_page_with_the_quote_highlighted(
    signed_in: Page, site: dict[str, Any]
) -> None:
    page = signed_in
    drop_file(page, "handbook.md", HANDBOOK)
    row = page.get_by_test_id("document-row").filter(has_text="handbook.md")
    expect(row.get_by_test_id("document-status")).to_have_text("Ready", timeout=60_000)

    # Given an answer whose first citation names page 4 (printed "iv") and its quote's offsets
    excerpt: dict[str, str] = {}
    page.route("**/conversations/*/messages", _with_parts)
    page.get_by_role("link", name="Chat").click()
    page.get_by_label("Your question").fill("How far away is the lighthouse lamp visible?")
    with page.expect_response("**/conversations/*/messages") as answered:
        page.get_by_role("button", name="Ask").click()
    excerpt["text"] = answered.value.json()["citations"][0]["excerpt"]
    page.route("**/documents/*/parts/*", lambda route: _part(route, excerpt))
    message = page.get_by_test_id("message").first
    citations = message.get_by_test_id("citation")
    expect(citations).to_have_count(2)
    expect(citations.first).to_contain_text("page 4 (printed iv)")
    expect(citations.nth(1)).to_contain_text("Supplies")

    # When the reader opens it
    with page.expect_request("**/documents/*/parts/1"):
        citations.first.click()

    # Then the page's text is shown with the quote highlighted and scrolled into view
    panel = message.get_by_test_id("citation-panel")
    expect(panel.get_by_test_id("citation-page")).to_have_text(" · page 4 (printed iv)")
    quote = panel.get_by_test_id("citation-quote")
    expect(quote).to_have_text(excerpt["text"])
    expect(quote).to_be_in_viewport()
    box = panel.get_by_test_id("citation-text").bounding_box()
    mark = quote.bounding_box()
    assert box is not None
    assert mark is not None
    assert box["y"] <= mark["y"] < box["y"] + box["height"], (box, mark)
    assert panel.get_by_test_id("citation-text").evaluate("e => e.scrollTop") > 0
    screenshot(page, "40-citation-highlighted", full_page=False)

    # And a citation whose part the API cannot show (404) falls back to the excerpt
    citations.nth(1).click()
    expect(panel.get_by_test_id("citation-page")).to_have_text(" · Supplies")
    expect(panel.get_by_test_id("citation-excerpt")).to_have_text(excerpt["text"])
    expect(panel.get_by_test_id("citation-quote")).to_have_count(0)
