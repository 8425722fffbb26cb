"""The site works under the Content-Security-Policy that CloudFront sends with it.

The local stack sends no CSP, so the browser adds the deployed one (built by the same
function FrontendSite uses) to every page, and the page records any violation.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import BrowserContext, Page, Route, expect

from components.frontend_site.edge import content_security_policy
from tests.browser.pages import drop_file, sign_in

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_sign_in_upload_and_ask_under_the_deployed_csp(
    context: BrowserContext, page: Page, site: dict[str, Any], account: tuple[str, str]
) -> None:
    # Given every page carries the deployed CSP; the API and Cognito share the site's
    # origin locally, and so does the presigned POST (the stack's /s3).
    # Nothing else may be reached: the stack's own origin serves all of them.
    csp = content_security_policy([])

    def with_csp(route: Route) -> None:
        if route.request.resource_type != "document":
            route.fallback()
            return
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": csp},
        )

    # Only the site's own files: an intercepted upload to storage would lose its progress.
    context.route(re.compile(re.escape(site["url"]) + r"/(?!api/|cognito/|s3/).*"), with_csp)
    context.add_init_script(RECORD_VIOLATIONS)
    # A page Playwright fulfils has no IP address, so Chrome's Local Network Access counts
    # it as public and would block its upload to 127.0.0.1 (/s3); the deployed site and S3
    # are both public, so the permission stands in for what deployed needs none.
    context.grant_permissions(["local-network-access"], origin=site["url"])

    # When the user signs in, uploads a document and asks about it,
    sign_in(page, *account)
    drop_file(page, "tides.txt", "High tide at the harbour is at 06:40 on Saturday.\n")
    row = page.get_by_test_id("document-row").filter(has_text="tides.txt")
    expect(row.get_by_test_id("document-status")).to_have_text("Ready", timeout=60_000)
    page.get_by_role("link", name="Chat").click()
    page.get_by_label("Your question").fill("When is high tide on Saturday?")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_test_id("citation").first).to_contain_text("tides.txt")

    # Then the policy was in force and nothing was blocked.
    assert page.evaluate("() => Array.isArray(window.__cspViolations)")
    assert page.evaluate("() => window.__cspViolations") == []
