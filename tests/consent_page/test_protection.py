"""Forged, tampered and stale forms, bad requests, and the security headers."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from models import Account, Consent, Requester
from services.clock import FrozenClock
from tests.consent_page.conftest import (
    LICENCE_URI,
    ORIGIN,
    REDIRECT_URI,
    STATE,
    Browser,
    Page,
    authorization,
    carried,
)

REFUSED = "This form could not be checked"


async def test_a_decision_without_the_form_token_is_refused(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())

    forged = await browser.post(
        "/oauth/authorize/decision",
        [
            ("authorization", page.field("authorization")),
            ("document", LICENCE_URI),
            ("form", "pdf"),
            ("decision", "allow"),
        ],
    )

    assert forged.status == 403
    assert REFUSED in forged.error
    assert not await Consent.exists(account_id=rohan.id)


async def test_a_decision_with_a_wrong_form_token_is_refused(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())
    issued, _, digest = page.field("csrf").partition(".")
    wrong = f"{issued}.{digest[::-1]}"

    forged = await browser.post(
        "/oauth/authorize/decision",
        [
            ("authorization", page.field("authorization")),
            ("csrf", wrong),
            ("document", LICENCE_URI),
            ("form", "pdf"),
            ("decision", "allow"),
        ],
    )

    assert forged.status == 403
    assert not await Consent.exists(account_id=rohan.id)


async def test_a_form_token_made_for_another_browser_is_refused(
    browser: Browser,
    other_browser: Browser,
    rohan: Account,
    passport_office: Requester,
) -> None:
    # An attacker opens the request in their own browser to get a token, then
    # has Rohan's browser (signed in on the page) post it.
    attackers = await other_browser.open(authorization())
    await browser.signed_in(authorization())

    forged = await browser.post(
        "/oauth/authorize/decision",
        [*carried(attackers), ("decision", "deny")],
    )

    assert forged.status == 403
    assert REFUSED in forged.error


async def test_a_form_posted_from_another_site_is_refused(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())

    forged = await browser.post(
        "/oauth/authorize/decision",
        [
            *carried(page),
            ("document", LICENCE_URI),
            ("form", "pdf"),
            ("decision", "allow"),
        ],
        headers={"origin": "https://evil.example.com"},
    )

    assert forged.status == 403
    assert "sent from another site" in forged.error
    assert not await Consent.exists(account_id=rohan.id)


async def test_a_form_a_browser_says_came_from_another_site_is_refused(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())

    forged = await browser.post(
        "/oauth/authorize/decision",
        [*carried(page), ("decision", "deny")],
        headers={"sec-fetch-site": "same-site"},
    )

    assert forged.status == 403
    assert "sent from another site" in forged.error


async def test_a_sign_in_posted_from_another_site_is_refused(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.open(authorization())

    forged = await browser.post(
        "/oauth/authorize/sign-in",
        [*carried(page), ("username", "rohan"), ("password", "irrelevant-here")],
        headers={"origin": "null"},
    )

    assert forged.status == 403
    assert "set-cookie" not in forged.response.headers


@pytest.mark.parametrize(
    "changed",
    [
        {"scope": f"issued/{LICENCE_URI} doctype/PANCR doctype/RVCER"},
        {"max_reads": None},
        {"valid_for_days": "365"},
    ],
    ids=["more documents", "no read limit", "longer"],
)
async def test_changed_hidden_parameters_are_refused(
    browser: Browser,
    rohan: Account,
    passport_office: Requester,
    changed: dict[str, str | None],
) -> None:
    page = await browser.signed_in(authorization())

    tampered = await browser.post(
        "/oauth/authorize/decision",
        [
            ("authorization", urlencode(authorization(**changed))),
            ("csrf", page.field("csrf")),
            ("document", LICENCE_URI),
            ("form", "pdf"),
            ("decision", "allow"),
        ],
    )

    assert tampered.status == 403
    assert REFUSED in tampered.error
    assert not await Consent.exists(account_id=rohan.id)


async def test_a_form_left_open_too_long_is_refused(
    browser: Browser, clock: FrozenClock, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.open(authorization())
    clock.advance(31 * 60)

    stale = await browser.sign_in(page, "rohan")

    assert stale.status == 403
    assert REFUSED in stale.error


@pytest.mark.parametrize(
    "changed",
    [
        {"client_id": "rq_unknown_portal"},
        {"redirect_uri": "https://evil.example.com/callback"},
        {"client_id": None},
    ],
    ids=["unknown client", "unregistered redirect URI", "no client"],
)
async def test_a_request_that_cannot_be_sent_back_gets_an_error_page(
    browser: Browser, passport_office: Requester, changed: dict[str, str | None]
) -> None:
    page = await browser.open(authorization(**changed))

    assert page.status == 400
    assert "location" not in page.response.headers
    assert page.tree.findtext(".//h1") == "This request cannot be shown"
    assert page.error
    assert "Nothing from your locker was shared" in page.text
    assert "evil.example.com" not in page.response.headers["content-security-policy"]


async def test_a_repeated_parameter_gets_an_error_page(
    browser: Browser, passport_office: Requester
) -> None:
    query = urlencode(authorization()) + "&scope=doctype%2FRVCER"

    response = await browser.http.get(f"/oauth/authorize?{query}")

    assert response.status_code == 400
    assert "location" not in response.headers
    assert "'scope' more than once" in Page(response).error


async def test_a_request_refused_for_another_reason_goes_back_to_the_requester(
    browser: Browser, passport_office: Requester
) -> None:
    page = await browser.open(authorization(purpose="MARKETING"))

    assert page.status == 303
    location = page.response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["error"]
    assert query["state"] == [STATE]


def csp(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    directives = (part.strip().split(" ", 1) for part in policy.split(";"))
    return {name: value for name, value in directives}


def assert_protected(response: httpx.Response) -> None:
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = csp(response)
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "script-src" not in policy


def style_hash(response: httpx.Response) -> str:
    """The CSP source of the page's one <style> block."""
    start = response.text.index("<style>") + len("<style>")
    css = response.text[start : response.text.index("</style>")]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return f"'sha256-{digest}'"


async def test_every_page_carries_the_security_headers(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    sign_in = await browser.open(authorization())
    signed = await browser.sign_in(sign_in, "rohan")
    consent = Page(await browser.http.get(signed.response.headers["location"]))
    decided = await browser.decide(consent, "deny")
    problem = await browser.open(authorization(client_id="rq_unknown_portal"))

    for page in (sign_in, signed, consent, decided, problem):
        assert_protected(page.response)
    for page in (sign_in, consent, problem):
        assert csp(page.response)["style-src"] == style_hash(page.response)
        assert page.tree.xpath("//script") == []
        assert page.tree.xpath("//meta[@name='viewport']")
    # Forms post here, and their 303 may lead to the requester's origin.
    for page in (sign_in, consent):
        assert csp(page.response)["form-action"] == (
            "'self' https://passport.example.gov.in"
        )
    assert csp(problem.response)["form-action"] == "'none'"


async def test_a_decision_sent_twice_in_one_form_is_refused(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())

    both = await browser.post(
        "/oauth/authorize/decision",
        [
            *carried(page),
            ("document", LICENCE_URI),
            ("form", "pdf"),
            ("decision", "deny"),
            ("decision", "allow"),
        ],
    )

    assert both.status == 400
    assert "not sent as this page sends it" in both.text
    assert not await Consent.exists(account_id=rohan.id)


async def test_a_form_sent_as_multipart_with_a_file_gets_an_error_page(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())

    answer = await browser.http.post(
        "/oauth/authorize/decision",
        data=dict(carried(page)) | {"decision": "allow"},
        files={"document": ("licence.pdf", b"%PDF-1.7\n", "application/pdf")},
        headers={"origin": ORIGIN},
    )

    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert "not sent as this page sends it" in answer.text
    assert not await Consent.exists(account_id=rohan.id)
