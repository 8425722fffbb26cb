"""Files are checked in the browser before anything is uploaded: type and size."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, Request, Route, expect

from tests.browser.conftest import screenshot
from tests.browser.pages import drop_file


def test_unsupported_empty_and_oversized_files_are_refused_before_upload(signed_in: Page) -> None:
    page = signed_in
    created: list[Request] = []
    page.on(
        "request",
        lambda r: created.append(r) if r.method == "POST" and "/api/documents" in r.url else None,
    )

    # When the user drops an executable, an empty text file and a 51 MB PDF,
    drop_file(page, "setup.exe", "MZ")
    drop_file(page, "empty.txt", "")
    page.get_by_test_id("dropzone").evaluate(
        """(zone) => {
            const transfer = new DataTransfer();
            const big = new File([new Uint8Array(51 * 1024 * 1024)], "scan.pdf");
            transfer.items.add(big);
            zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
        }"""
    )

    # Then each is refused with its reason, and the API was never asked for an upload.
    errors = page.get_by_test_id("upload-error")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text("setup.exe: not a supported type")
    expect(errors.nth(1)).to_contain_text("empty.txt: the file is empty")
    expect(errors.nth(2)).to_contain_text("over the 50 MB limit")
    assert created == []

    # And a refusal can be dismissed.
    page.get_by_role("button", name="Dismiss").first.click()
    expect(errors).to_have_count(2)


def test_a_document_that_cannot_be_read_shows_failed_with_the_reason(signed_in: Page) -> None:
    page = signed_in
    # When the user uploads a "PDF" that is really text (the worker checks magic bytes),
    drop_file(page, "invoice.pdf", "This is not a PDF at all.\n")
    row = page.get_by_test_id("document-row").filter(has_text="invoice.pdf")

    # Then the list shows it FAILED, with the worker's reason, without a reload.
    expect(row.get_by_test_id("document-status")).to_have_text("Failed", timeout=60_000)
    expect(row).to_have_attribute("data-status", "FAILED")
    expect(row.get_by_test_id("document-failure")).not_to_be_empty()
    screenshot(page, "13-document-failed")


def test_an_upload_storage_refuses_is_explained_and_leaves_no_document(
    signed_in: Page, site: dict[str, Any]
) -> None:
    page = signed_in

    # Given storage refuses the presigned POST (the API has already created the document),
    def refuse(route: Route) -> None:
        if route.request.method != "POST":
            route.fallback()
            return
        route.fulfill(status=403, body="<Error><Code>AccessDenied</Code></Error>")

    # (the local stack's S3 endpoint, on its own origin)
    page.route(re.compile(re.escape(site["url"] + "/s3/") + r".*"), refuse)

    # When the user drops a file,
    drop_file(page, "refused.txt", "These bytes never arrive.\n")

    # Then the upload says why it failed, and its PENDING document is deleted, not left behind.
    expect(page.get_by_test_id("upload-error")).to_have_text(
        "The storage service refused the upload (HTTP 403)."
    )
    expect(page.get_by_test_id("documents-empty")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("documents-empty")).to_be_visible()
