"""Debian's chromium, driven by Playwright, against the local stack serving the built site.

The stack is the end-to-end tests' fixture (`python -m local --port 0 --json` in a child
process, stopped with Ctrl-C); the site must have been built first (`make site`, which
`make test` runs before pytest). Screenshots go to `test-artifacts/screenshots/`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.e2e.conftest import new_user, stack  # noqa: F401 (a fixture, re-used as is)

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE_INDEX = REPO_ROOT / "frontend" / "out" / "index.html"
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Actions and assertions wait as long as each other: on a loaded 2-core CI machine the
# stack, the site and chromium share the cores, and 5 s (expect's default) proved short.
WAIT_MS = 15_000
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.enable_socket)


@pytest.fixture(scope="session")
def site_built() -> None:
    if not SITE_INDEX.is_file():
        pytest.fail(f"the site is not built ({SITE_INDEX} is missing): run `make site` first")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's package")
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def site(site_built: None, stack: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """The running stack, once the site is known to be built."""
    return stack


@pytest.fixture
def context(browser: Browser, site: dict[str, Any]) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=site["url"], viewport=DESKTOP, locale="en-GB")
    ctx.set_default_timeout(WAIT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test on any uncaught script error."""
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    assert errors == [], f"uncaught errors in the page: {errors}"


@pytest.fixture
def account(site: dict[str, Any]) -> tuple[str, str]:
    """A user signed up through Cognito's API (not the UI): (email, password)."""
    user = new_user(site)
    return user.email, user.password


@pytest.fixture
def signed_in(page: Page, account: tuple[str, str]) -> Page:
    """The page, signed in as a new user, on the documents page."""
    from tests.browser.pages import sign_in

    sign_in(page, *account)
    return page


def fresh_credentials() -> tuple[str, str]:
    return f"browser-{uuid.uuid4().hex[:8]}@example.com", f"Pw-{uuid.uuid4().hex[:8]}-Aa1!"


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
