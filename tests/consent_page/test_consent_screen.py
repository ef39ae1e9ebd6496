"""What the consent screen shows a signed-in resident."""

from __future__ import annotations

from models import Account, IssuedDocument, Requester
from tests.api.conftest import Api
from tests.consent_page.conftest import (
    LICENCE_URI,
    PAN_URI,
    PURPOSE,
    RC_URI,
    SECOND_RC_URI,
    Browser,
    authorization,
)

ALL_FORMS = [
    ("metadata", "Details (metadata)", True),
    ("xml", "Certificate data (XML)", True),
    ("pdf", "PDF copy", True),
]


async def test_the_screen_says_who_asks_why_for_how_long_and_how_many_reads(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization())

    assert page.status == 200
    assert page.tree.findtext(".//h1") == (
        "Regional Passport Office, Pune asks to see documents from your locker"
    )
    assert "Organisation id: passport-pune" in page.text
    assert PURPOSE in page.text
    terms = dict(
        zip(
            page.tree.xpath("//dl/dt/text()"),
            page.tree.xpath("//dl/dd/text()"),
            strict=True,
        )
    )
    assert terms["Until"].endswith("IST (14 days)")
    assert terms["Reads"] == "At most 3 reads"
    assert page.checkboxes("form") == ALL_FORMS
    assert page.buttons() == [("Allow", "allow"), ("Deny", "deny")]


async def test_documents_are_listed_by_uri_and_by_doc_type_all_ticked(
    browser: Browser,
    rohan: Account,
    rohans_second_car: IssuedDocument,
    passport_office: Requester,
) -> None:
    asked = f"issued/{LICENCE_URI} doctype/RVCER"

    page = await browser.signed_in(authorization(scope=asked))

    listed = page.checkboxes("document")
    assert [value for value, _, _ in listed] == [LICENCE_URI, RC_URI, SECOND_RC_URI]
    assert all(ticked for _, _, ticked in listed)
    licence_label = listed[0][1]
    assert licence_label.startswith("Driving Licence")
    assert "Ministry of Road Transport and Highways" in licence_label
    assert LICENCE_URI in licence_label
    assert listed[2][1].startswith("Registration Certificate MH12DE4321")
    # Rohan's PAN was not asked for, so it is not offered.
    assert PAN_URI not in page.text


async def test_documents_asked_for_but_not_held_are_listed_as_not_in_the_locker(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    unknown_licence = "in.gov.transport-DRVLC-KA0120190098765"
    asked = f"issued/{LICENCE_URI} issued/{unknown_licence} doctype/SSCER"

    page = await browser.signed_in(authorization(scope=asked))

    assert [value for value, _, _ in page.checkboxes("document")] == [LICENCE_URI]
    missing = [
        " ".join(item.text_content().split())
        for item in page.tree.xpath('//ul[@class="missing"]/li')
    ]
    assert missing == [
        f"Driving Licence ({unknown_licence}) — not in your locker",
        "Any Class X Marksheet — not in your locker",
    ]


async def test_a_resident_who_holds_none_of_the_documents_is_offered_only_deny(
    browser: Browser, api: Api, passport_office: Requester
) -> None:
    await api.new_resident("9890089012", "sneha.patil")

    page = await browser.signed_in(
        authorization(scope="doctype/PANCR doctype/DRVLC"), username="sneha.patil"
    )

    assert page.checkboxes("document") == []
    assert page.checkboxes("form") == []
    assert "You hold none of the documents" in page.error
    assert page.buttons() == [("Deny", "deny")]


async def test_only_the_forms_asked_for_are_offered(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.signed_in(authorization(forms="metadata pdf"))

    assert page.checkboxes("form") == [ALL_FORMS[0], ALL_FORMS[2]]


async def test_what_a_requester_registered_is_shown_as_text_never_as_markup(
    browser: Browser, rohan: Account
) -> None:
    await Requester.create(
        org_id="sharma-sons",
        name="Sharma & Sons <b>Employers</b>",
        client_id="rq_sharma_sons",
        purposes=[{"code": "HIRING", "text": 'Background check "<script>"'}],
        doc_types=["PANCR"],
        redirect_uris=["https://careers.sharmasons.example.in/callback"],
    )
    asked = authorization(
        client_id="rq_sharma_sons",
        redirect_uri="https://careers.sharmasons.example.in/callback",
        purpose="HIRING",
        scope="doctype/PANCR",
    )

    page = await browser.signed_in(asked)

    assert "Sharma & Sons <b>Employers</b> asks" in page.text
    assert 'Background check "<script>"' in page.text
    assert "<b>" not in page.response.text
    assert "<script" not in page.response.text
