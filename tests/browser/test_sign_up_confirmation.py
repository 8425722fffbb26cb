"""Sign-up with the confirmation-code step, as a deployed pool (which e-mails a code) runs it.

The local pool confirms new users at once; here its SignUp answer is rewritten to say
`UserConfirmed: false`, and ConfirmSignUp is answered in the browser: first a wrong code,
then the right one."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import fresh_credentials, screenshot

CODE = "123456"


def test_sign_up_asks_for_the_code_then_signs_in(page: Page) -> None:
    email, password = fresh_credentials()
    confirmations: list[dict[str, str]] = []

    def cognito(route: Route) -> None:
        target = route.request.headers.get("x-amz-target", "")
        if target.endswith(".SignUp"):
            response = route.fetch()
            body = response.json()
            body["UserConfirmed"] = False
            body["CodeDeliveryDetails"] = {"DeliveryMedium": "EMAIL", "Destination": "b***@e***"}
            route.fulfill(response=response, body=json.dumps(body))
        elif target.endswith(".ConfirmSignUp"):
            sent = json.loads(route.request.post_data or "{}")
            confirmations.append(sent)
            if sent.get("ConfirmationCode") == CODE:
                route.fulfill(status=200, body="{}")
            else:
                route.fulfill(
                    status=400,
                    headers={"Content-Type": "application/x-amz-json-1.1"},
                    body=json.dumps({"__type": "CodeMismatchException", "message": "bad"}),
                )
        else:
            route.fallback()

    page.route(re.compile(r".*/cognito/$"), cognito)

    # When a visitor signs up, the page asks for the code that was e-mailed.
    page.goto("/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    code = page.get_by_label("Confirmation code")
    expect(code).to_be_visible()
    expect(page.get_by_test_id("confirm-form")).to_contain_text(email)

    # A wrong code is explained and can be corrected,
    code.fill("000000")
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("That code is not right")
    screenshot(page, "12-sign-up-code")

    # and the right one signs them in.
    code.fill(CODE)
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page).to_have_url(re.compile(r"/documents/$"))
    expect(page.get_by_test_id("account-email")).to_have_text(email)
    assert [c["ConfirmationCode"] for c in confirmations] == ["000000", CODE]
    assert all(c["Username"] == email for c in confirmations)


def test_wrong_password_is_explained(page: Page, account: tuple[str, str]) -> None:
    email, _ = account
    page.goto("/signin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("Not-the-password-1!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("form-error")).to_have_text("Incorrect email or password.")
    expect(page).to_have_url(re.compile(r"/signin/$"))
