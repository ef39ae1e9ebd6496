"""Signing in on the consent page: the locker's own sign-in, with its limits."""

from __future__ import annotations

from models import Account, Requester, SecurityEvent, Session
from services.security_events import SecurityEventKind
from tests.api.conftest import PASSWORD
from tests.consent_page.conftest import (
    LICENCE_URI,
    Browser,
    authorization,
)


async def test_the_page_asks_a_resident_to_sign_in_before_showing_anything(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.open(authorization())

    assert page.status == 200
    assert "Regional Passport Office, Pune is asking to see documents" in page.text
    assert page.labels() == ["Username", "Password"]
    assert page.buttons() == [("Sign in", None)]
    assert LICENCE_URI not in page.text
    assert page.tree.xpath('//input[@name="password"]')[0].get("type") == "password"


async def test_signing_in_shows_the_request_and_keeps_the_session_in_a_page_cookie(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.open(authorization())

    signed = await browser.sign_in(page, "rohan")
    cookie = signed.response.headers["set-cookie"]
    shown = await browser.http.get(signed.response.headers["location"])

    assert signed.status == 303
    assert signed.response.headers["location"].startswith("/oauth/authorize?")
    assert cookie.startswith("consent_session=")
    for attribute in ("HttpOnly", "Path=/oauth", "SameSite=strict", "Max-Age=900"):
        assert attribute in cookie
    assert "Secure" not in cookie  # the test server is plain http
    assert shown.status_code == 200
    assert "Signed in as rohan" in shown.text
    sessions = await Session.filter(account_id=rohan.id, ended_at__isnull=True)
    # The GraphQL session the fixture signed in with, and the page's own.
    assert len(sessions) == 2
    token = cookie.split(";")[0].removeprefix("consent_session=")
    assert token not in shown.text


async def test_a_mobile_number_signs_in_as_well_as_a_username(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.open(authorization())

    signed = await browser.sign_in(page, "+91 98220 34567")

    assert signed.status == 303


async def test_a_wrong_password_is_refused_with_a_message_and_logged(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.open(authorization())

    refused = await browser.sign_in(page, "rohan", "mango-kite-lantern-24")

    assert refused.status == 400
    assert "do not match" in refused.error
    assert "mango-kite-lantern-24" not in refused.response.text
    assert refused.field("username") == "rohan"
    assert refused.field("password") is None
    assert "set-cookie" not in refused.response.headers
    failed = await SecurityEvent.filter(
        account_id=rohan.id, kind=SecurityEventKind.LOGIN_FAILED.value
    ).count()
    assert failed == 1


async def test_repeated_wrong_passwords_pause_sign_in_even_with_the_right_one(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.open(authorization())
    for _ in range(5):
        page = await browser.sign_in(page, "rohan", "not-my-password-1")
        assert page.status == 400

    paused = await browser.sign_in(page, "rohan", PASSWORD)

    assert paused.status == 429
    assert "try again" in paused.error.lower()
    assert int(paused.response.headers["retry-after"]) > 0
    assert "set-cookie" not in paused.response.headers
    locked = await SecurityEvent.filter(
        account_id=rohan.id, kind=SecurityEventKind.LOCKED_OUT.value
    ).count()
    assert locked == 1


async def test_an_empty_sign_in_form_asks_for_both_fields(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.open(authorization())

    refused = await browser.sign_in(page, "  ", "")

    assert refused.status == 400
    assert "Enter your username" in refused.error
