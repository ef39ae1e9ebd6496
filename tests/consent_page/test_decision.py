"""Allow and Deny: what is recorded, where the browser goes, and the session."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from models import Account, ActivityEntry, Consent, Requester, Session
from services.accounts import SESSION_LOGGED_OUT
from services.clock import FrozenClock
from services.container import Services
from services.errors import DocumentNotFound, NotAuthenticated
from tests.consent_page.conftest import (
    LICENCE_URI,
    PAN_URI,
    REDIRECT_URI,
    STATE,
    Browser,
    Page,
    authorization,
)


def returned(page: Page) -> dict[str, list[str]]:
    """The query the browser is sent back to the requester with."""
    assert page.status == 303, page.response.text
    location = page.response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    return parse_qs(urlsplit(location).query)


async def test_allowing_some_documents_grants_only_those_in_the_chosen_forms(
    browser: Browser, clock: FrozenClock, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())

    done = await browser.decide(
        page, "allow", documents=[LICENCE_URI], forms=["metadata", "pdf"]
    )

    query = returned(done)
    assert query["state"] == [STATE]
    assert query["iss"] == ["http://testserver"]
    assert query["code"]
    consent = await Consent.get(account_id=rohan.id)
    assert consent.documents == [{"uri": LICENCE_URI, "forms": ["metadata", "pdf"]}]
    assert consent.purpose_code == "PASSPORT"
    assert consent.max_reads == 3
    assert consent.valid_until - consent.valid_from == timedelta(days=14)


async def test_allowing_everything_grants_every_document_in_every_form(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())

    done = await browser.decide(
        page,
        "allow",
        documents=[value for value, _, ticked in page.checkboxes("document") if ticked],
        forms=[value for value, _, ticked in page.checkboxes("form") if ticked],
    )

    assert "code" in returned(done)
    consent = await Consent.get(account_id=rohan.id)
    every_form = ["metadata", "xml", "pdf"]
    assert consent.documents == [
        {"uri": LICENCE_URI, "forms": every_form},
        {"uri": PAN_URI, "forms": every_form},
    ]
    granted = await ActivityEntry.get(account_id=rohan.id, kind="consent_granted")
    assert granted.requester_id == "passport-pune"


@pytest.mark.parametrize(
    ("documents", "forms"),
    [([], ["pdf"]), ([LICENCE_URI], []), ([], [])],
    ids=["no document", "no form", "nothing"],
)
async def test_allowing_with_nothing_chosen_shows_the_screen_again(
    browser: Browser,
    rohan: Account,
    passport_office: Requester,
    documents: list[str],
    forms: list[str],
) -> None:
    page = await browser.signed_in(authorization())

    again = await browser.decide(page, "allow", documents=documents, forms=forms)

    assert again.status == 400
    assert "Choose at least one document and one form" in again.error
    ticked = {value for value, _, ticked in again.checkboxes("document") if ticked}
    assert ticked == set(documents)
    assert not await Consent.exists(account_id=rohan.id)
    # Still signed in: the resident can choose again on the same screen.
    retried = await browser.decide(again, "allow", documents=[PAN_URI], forms=["xml"])
    assert "code" in returned(retried)


async def test_a_document_that_was_not_offered_is_refused(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization(scope=f"issued/{LICENCE_URI}"))

    again = await browser.decide(
        page, "allow", documents=[LICENCE_URI, PAN_URI], forms=["pdf"]
    )

    assert again.status == 400
    assert "only among the documents and forms listed" in again.error
    assert not await Consent.exists(account_id=rohan.id)


async def test_a_request_the_requester_may_no_longer_make_is_sent_back_on_allow(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())
    # The operator stops the passport office asking for PANs meanwhile.
    passport_office.doc_types = ["DRVLC"]
    await passport_office.save()

    done = await browser.decide(page, "allow", documents=[PAN_URI], forms=["xml"])

    assert returned(done)["error"] == ["invalid_scope"]
    assert not await Consent.exists(account_id=rohan.id)


async def test_a_requester_switched_off_meanwhile_gets_nothing_and_no_redirect(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())
    passport_office.active = False
    await passport_office.save()

    refused = await browser.decide(page, "allow", documents=[PAN_URI], forms=["xml"])

    assert refused.status == 400
    assert "location" not in refused.response.headers
    assert not await Consent.exists(account_id=rohan.id)


async def test_a_decision_that_is_neither_allow_nor_deny_shows_the_screen_again(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())

    again = await browser.decide(page, "maybe", documents=[PAN_URI], forms=["xml"])

    assert again.status == 400
    assert again.error == "Choose Allow or Deny."
    assert not await Consent.exists(account_id=rohan.id)


async def test_a_grant_the_locker_refuses_shows_its_message(
    browser: Browser,
    services: Services,
    rohan: Account,
    passport_office: Requester,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = await browser.signed_in(authorization())

    async def removed_meanwhile(*args: object, **kwargs: object) -> Consent:
        # As when the PAN leaves the locker between the check and the grant.
        raise DocumentNotFound("A document you chose is not in your locker.")

    monkeypatch.setattr(services.consents, "grant", removed_meanwhile)

    again = await browser.decide(page, "allow", documents=[PAN_URI], forms=["xml"])

    assert again.status == 400
    assert again.error == "A document you chose is not in your locker."
    assert [value for value, _, ticked in again.checkboxes("document") if ticked] == [
        PAN_URI
    ]


async def test_denying_sends_access_denied_back_and_logs_the_refusal(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())

    done = await browser.decide(page, "deny")

    query = returned(done)
    assert query["error"] == ["access_denied"]
    assert query["state"] == [STATE]
    assert "code" not in query
    assert not await Consent.exists(account_id=rohan.id)
    denied = await ActivityEntry.get(account_id=rohan.id, kind="consent_denied")
    assert (denied.requester_id, denied.requester_name) == (
        "passport-pune",
        "Regional Passport Office, Pune",
    )


async def test_the_page_session_ends_after_the_decision(
    browser: Browser,
    services: Services,
    rohan: Account,
    passport_office: Requester,
) -> None:
    signed = await browser.sign_in(await browser.open(authorization()), "rohan")
    token = browser.http.cookies["consent_session"]
    page = Page(await browser.http.get(signed.response.headers["location"]))

    done = await browser.decide(page, "deny")

    assert done.status == 303
    assert 'consent_session=""' in done.response.headers["set-cookie"]
    assert "Max-Age=0" in done.response.headers["set-cookie"]
    with pytest.raises(NotAuthenticated):
        await services.accounts.authenticate(token)
    ended = await Session.get(account_id=rohan.id, end_reason=SESSION_LOGGED_OUT)
    assert ended.ended_at is not None
    reopened = await browser.open(authorization())
    assert reopened.buttons() == [("Sign in", None)]


async def test_a_decision_after_the_session_ended_asks_to_sign_in_again(
    browser: Browser,
    clock: FrozenClock,
    rohan: Account,
    passport_office: Requester,
) -> None:
    page = await browser.signed_in(authorization())
    clock.advance(16 * 60)  # longer than the 15 idle minutes a session allows

    again = await browser.decide(page, "allow", documents=[LICENCE_URI], forms=["pdf"])

    assert again.status == 200
    assert "Sign in again" in again.error
    assert again.buttons() == [("Sign in", None)]
    assert not await Consent.exists(account_id=rohan.id)
