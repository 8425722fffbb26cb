"""Sessions: an expired session sends the user to sign in without losing their question,
while a network failure during a refresh, or at start, keeps it; the site explains a
missing /config.json instead of breaking, and a form sent before the config has arrived
waits for it."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import fresh_credentials, screenshot


def test_expired_session_returns_to_sign_in_and_keeps_the_draft(
    signed_in: Page, account: tuple[str, str]
) -> None:
    page = signed_in
    email, password = account
    page.get_by_role("link", name="Chat").click()
    question = page.get_by_label("Your question")
    question.fill("Which boat brings the supplies?")

    # Given the session has ended: the API answers 401 and Cognito refuses the refresh token.
    def unauthorized(route: Route) -> None:
        route.fulfill(status=401, json={"message": "Unauthorized"})

    def refresh_refused(route: Route) -> None:
        route.fulfill(
            status=400,
            headers={"Content-Type": "application/x-amz-json-1.1"},
            body=json.dumps(
                {"__type": "NotAuthorizedException", "message": "Refresh Token has expired"}
            ),
        )

    page.route(re.compile(r".*/api/.*"), unauthorized)
    page.route(re.compile(r".*/cognito/$"), refresh_refused)

    # When the user asks,
    question.press("Enter")

    # Then they are on the sign-in page, told why, with the way back to the chat.
    expect(page).to_have_url(re.compile(r"/signin/\?expired=1&next=%2Fchat%2F$"))
    expect(page.get_by_test_id("session-expired")).to_be_visible()
    screenshot(page, "09-session-expired")

    # And once they sign in again, the chat has their question, as typed.
    page.unroute_all()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/chat/$"))
    expect(page.get_by_label("Your question")).to_have_value("Which boat brings the supplies?")


def test_reload_keeps_the_session_with_the_refresh_token(signed_in: Page) -> None:
    page = signed_in
    # When the page is reloaded (the id token lived in memory only),
    page.reload()
    # Then the refresh token signs the user back in without the form.
    expect(page.get_by_test_id("account-email")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/documents/$"))
    stored = page.evaluate("() => Object.keys(window.localStorage)")
    assert stored == ["docagent.refreshToken"]


def test_missing_config_is_explained(page: Page) -> None:
    # Given a deployment without /config.json,
    page.route(re.compile(r".*/config\.json$"), lambda route: route.fulfill(status=404))
    # When the site opens, it says what is wrong instead of failing blank.
    page.goto("/")
    alert = page.get_by_role("alert").filter(has_text="not configured")
    expect(alert.get_by_role("heading", name="The site is not configured")).to_be_visible()
    expect(alert).to_contain_text("HTTP 404")


def test_a_form_sent_before_the_config_arrives_waits_for_it(page: Page) -> None:
    # Given a /config.json that is slow to arrive (held until released below),
    held: list[Route] = []
    page.route(re.compile(r".*/config\.json$"), lambda route: held.append(route))
    with page.expect_request(re.compile(r".*/config\.json$")):
        page.goto("/signup/")
    # when a visitor sends the sign-up form before it has,
    email, password = fresh_credentials()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("button", name="Creating…")).to_be_disabled()
    # then the account is created once it comes, and the visitor is signed in.
    assert len(held) == 1
    held[0].continue_()
    expect(page).to_have_url(re.compile(r"/documents/$"))
    expect(page.get_by_test_id("account-email")).to_have_text(email)


def test_a_network_failure_while_refreshing_keeps_the_session(signed_in: Page) -> None:
    page = signed_in
    page.get_by_role("link", name="Chat").click()
    question = page.get_by_label("Your question")
    question.fill("Which boat brings the supplies?")

    # Given the id token is refused and Cognito cannot be reached to refresh it,
    page.route(
        re.compile(r".*/api/.*"),
        lambda route: route.fulfill(status=401, json={"message": "Unauthorized"}),
    )
    page.route(re.compile(r".*/cognito/$"), lambda route: route.abort("internetdisconnected"))

    # when the user asks, they are told what is wrong and stay where they are,
    question.press("Enter")
    expect(
        page.get_by_role("alert").filter(has_text="Cannot reach the sign-in service")
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"/chat/$"))
    expect(question).to_have_value("Which boat brings the supplies?")
    stored = page.evaluate("() => window.localStorage.getItem('docagent.refreshToken')")
    assert stored, "the refresh token is kept"

    # and once the network is back, the same session answers.
    page.unroute_all()
    question.press("Enter")
    expect(page.get_by_test_id("message").last).to_contain_text(
        "Which boat brings the supplies?", timeout=60_000
    )
    expect(page.get_by_test_id("account-email")).to_be_visible()


def test_a_session_that_cannot_be_resumed_at_start_is_kept_for_a_reload(signed_in: Page) -> None:
    page = signed_in
    # Given Cognito cannot be reached when the page opens again,
    page.route(re.compile(r".*/cognito/$"), lambda route: route.abort("internetdisconnected"))
    page.reload()

    # the visitor is asked to sign in and told why, and the session is not thrown away;
    expect(page).to_have_url(re.compile(r"/signin/\?next=%2Fdocuments%2F$"))
    expect(page.get_by_test_id("resume-error")).to_contain_text("Cannot reach the sign-in service.")
    stored = page.evaluate("() => window.localStorage.getItem('docagent.refreshToken')")
    assert stored, "the refresh token is kept"

    # once Cognito answers again, a reload resumes it where they were.
    page.unroute_all()
    page.reload()
    expect(page).to_have_url(re.compile(r"/documents/$"))
    expect(page.get_by_test_id("account-email")).to_be_visible()
