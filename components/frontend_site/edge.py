"""What CloudFront does at the edge for the site: its security headers and its clean URLs."""

from __future__ import annotations

from collections.abc import Sequence

HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 3600
"""Two years (the HSTS preload list asks for at least one)."""


def content_security_policy(connect_sources: Sequence[str]) -> str:
    """The CSP of every page: only the site itself plus the exact API, Cognito and S3 origins.

    Next's static export inlines its bootstrap scripts (`self.__next_f.push(...)`), so
    scripts need 'unsafe-inline' (their hashes change with every build and page); the site
    uses no inline styles, so styles do not (a browser test runs every page under this CSP).
    """
    connect = " ".join(["'self'", *sorted(dict.fromkeys(connect_sources))])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {connect}",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


CLEAN_URLS_RUNTIME = "cloudfront-js-2.0"
# Viewer request: `/documents` and `/documents/` are served from `/documents/index.html`
# (the export writes one directory per route, `trailingSlash: true`); files keep their URI.
CLEAN_URLS_CODE = """\
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith("/")) {
    request.uri = uri + "index.html";
  } else if (uri.split("/").pop().indexOf(".") === -1) {
    request.uri = uri + "/index.html";
  }
  return request;
}
"""
