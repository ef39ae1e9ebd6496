"""A resident, a requester and a browser for the consent page.

``Browser`` drives the page over HTTP as a browser would: it keeps cookies,
sends the page's own ``Origin`` on form posts and reads forms, labels and
buttons out of the HTML (lxml), so the tests speak of what a resident sees.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import lxml.html
import pytest

from models import Account, IssuedDocument, Requester
from services.container import Services
from services.sms import MemorySmsSender
from tests.api.conftest import PASSWORD, Api

LICENCE_URI = "in.gov.transport-DRVLC-MH1220160012345"
PAN_URI = "in.gov.pan-PANCR-BKRPM4817L"
RC_URI = "in.gov.transport-RVCER-MH12AB1234"
SECOND_RC_URI = "in.gov.transport-RVCER-MH12DE4321"
REDIRECT_URI = "https://passport.example.gov.in/openlocker/callback"
PURPOSE = "Address and identity verification for a fresh passport"
STATE = "passport-application-7731"
CODE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-passport-pune"
CODE_CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(CODE_VERIFIER.encode()).digest())
    .rstrip(b"=")
    .decode()
)
ORIGIN = "http://testserver"


def authorization(**changes: str | None) -> dict[str, str]:
    """The passport office's request for Rohan's licence and PAN; ``changes``
    replace parameters (None drops one)."""
    parameters: dict[str, str | None] = {
        "response_type": "code",
        "client_id": "rq_passport_pune",
        "redirect_uri": REDIRECT_URI,
        "state": STATE,
        "code_challenge": CODE_CHALLENGE,
        "code_challenge_method": "S256",
        "scope": f"issued/{LICENCE_URI} doctype/PANCR",
        "purpose": "PASSPORT",
        "valid_for_days": "14",
        "max_reads": "3",
        **changes,
    }
    return {name: value for name, value in parameters.items() if value is not None}


@dataclass
class Page:
    """An answer of the page, read as the resident would read it."""

    response: httpx.Response

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def tree(self) -> Any:
        return lxml.html.fromstring(self.response.text)

    @property
    def text(self) -> str:
        return " ".join(self.tree.text_content().split())

    @property
    def error(self) -> str:
        found = self.tree.xpath('//*[contains(concat(" ", @class, " "), " error ")]')
        return " ".join(" ".join(node.text_content().split()) for node in found)

    def field(self, name: str) -> str:
        value: str = self.tree.xpath("//input[@name=$name]", name=name)[0].get("value")
        return value

    def label_of(self, control: Any) -> str:
        label = self.tree.xpath("//label[@for=$id]", id=control.get("id"))[0]
        return " ".join(label.text_content().split())

    def labels(self) -> list[str]:
        return [
            " ".join(node.text_content().split()) for node in self.tree.iter("label")
        ]

    def checkboxes(self, name: str) -> list[tuple[str, str, bool]]:
        """``(value, label, ticked)`` of each checkbox called ``name``."""
        return [
            (box.get("value"), self.label_of(box), box.get("checked") is not None)
            for box in self.tree.xpath(
                '//input[@type="checkbox"][@name=$name]', name=name
            )
        ]

    def buttons(self) -> list[tuple[str, str | None]]:
        """``(text, value)`` of each button."""
        return [
            (" ".join(button.text_content().split()), button.get("value"))
            for button in self.tree.iter("button")
        ]


@dataclass
class Browser:
    """One browser on the consent page: its own cookies."""

    http: httpx.AsyncClient

    async def open(self, parameters: Mapping[str, str]) -> Page:
        response = await self.http.get(f"/oauth/authorize?{urlencode(parameters)}")
        return Page(response)

    async def post(
        self,
        path: str,
        fields: Sequence[tuple[str, str]],
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Page:
        sent = {"origin": ORIGIN, **(headers or {})}
        response = await self.http.post(path, data=dict_of_lists(fields), headers=sent)
        return Page(response)

    async def sign_in(
        self, page: Page, username: str, password: str = PASSWORD
    ) -> Page:
        return await self.post(
            "/oauth/authorize/sign-in",
            [*carried(page), ("username", username), ("password", password)],
        )

    async def signed_in(
        self, parameters: Mapping[str, str], username: str = "rohan"
    ) -> Page:
        """Open the request, sign in and follow back: the consent screen."""
        signed = await self.sign_in(await self.open(parameters), username)
        assert signed.status == 303, signed.response.text
        return Page(await self.http.get(signed.response.headers["location"]))

    async def decide(
        self,
        page: Page,
        decision: str,
        *,
        documents: Sequence[str] = (),
        forms: Sequence[str] = (),
    ) -> Page:
        return await self.post(
            "/oauth/authorize/decision",
            [
                *carried(page),
                *(("document", uri) for uri in documents),
                *(("form", form) for form in forms),
                ("decision", decision),
            ],
        )


def carried(page: Page) -> list[tuple[str, str]]:
    """The hidden fields a form on ``page`` sends back."""
    return [
        ("authorization", page.field("authorization")),
        ("csrf", page.field("csrf")),
    ]


def dict_of_lists(fields: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in fields:
        grouped.setdefault(name, []).append(value)
    return grouped


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    """The app's own services."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    found: Services = transport.app.state.services  # type: ignore[attr-defined]
    return found


@pytest.fixture
def api(client: httpx.AsyncClient, sms: MemorySmsSender) -> Api:
    return Api(app_transport=client._transport, sms=sms)


@pytest.fixture
def browser(client: httpx.AsyncClient) -> Browser:
    return Browser(client)


@pytest.fixture
async def other_browser(client: httpx.AsyncClient) -> AsyncIterator[Browser]:
    """A second browser (its own cookies) on the same server."""
    async with httpx.AsyncClient(
        transport=client._transport, base_url="http://testserver"
    ) as http:
        yield Browser(http)


@pytest.fixture
async def passport_office(client: httpx.AsyncClient) -> Requester:
    return await Requester.create(
        org_id="passport-pune",
        name="Regional Passport Office, Pune",
        client_id="rq_passport_pune",
        purposes=[{"code": "PASSPORT", "text": PURPOSE}],
        doc_types=["DRVLC", "PANCR", "RVCER", "SSCER"],
        redirect_uris=[REDIRECT_URI],
    )


@pytest.fixture
async def rohan(api: Api) -> Account:
    """Rohan Mehta, with his driving licence, PAN and car registration."""
    await api.new_resident("9822034567", "rohan", aadhaar_of="Rohan Mehta")
    await api.pull(
        "in.gov.transport",
        "DRVLC",
        licenceNumber="MH1220160012345",
        dateOfBirth="21-07-1998",
    )
    await api.pull(
        "in.gov.pan",
        "PANCR",
        pan="BKRPM4817L",
        fullName="ROHAN MEHTA",
        dateOfBirth="21-07-1998",
    )
    await api.pull(
        "in.gov.transport",
        "RVCER",
        registrationNumber="MH12AB1234",
        chassisLast5="47319",
    )
    return await Account.get(username="rohan")


@pytest.fixture
async def rohans_second_car(rohan: Account) -> IssuedDocument:
    """A second registration in Rohan's locker (the sample data has one car)."""
    first = await IssuedDocument.get(account_id=rohan.id, uri=RC_URI)
    return await IssuedDocument.create(
        account=rohan,
        uri=SECOND_RC_URI,
        issuer_id="in.gov.transport",
        doc_type="RVCER",
        name="Registration Certificate MH12DE4321",
        pulled_at=first.pulled_at,
    )
