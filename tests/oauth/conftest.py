"""Requesters driving the locker's OAuth server with a real OAuth client.

``RequesterApp`` is a requester's web application built on authlib's httpx
client (``AsyncOAuth2Client``, PKCE S256), talking to the app in process. The
resident's approval is done as the consent page does it, without the HTML:
the server validates the request, ``ConsentService.grant`` records the
consent, and ``approve`` makes the code.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc.jwk import ECKey

from models import Account, IssuedDocument, Requester
from services.container import Services
from services.oauth.authorize import AuthorizationRequest
from services.requesters import Purpose

with warnings.catch_warnings():
    # authlib 1.9 would rather its client ran on httpx2; the project is on httpx.
    warnings.filterwarnings("ignore", "The httpx module is deprecated")
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

BASE_URL = "http://testserver"
AUTHORIZE_URL = f"{BASE_URL}/oauth/authorize"
TOKEN_URL = f"{BASE_URL}/oauth/token"
REVOKE_URL = f"{BASE_URL}/oauth/revoke"
INTROSPECT_URL = f"{BASE_URL}/oauth/introspect"

MARKSHEET = "in.gov.cbse-HSCER-202416612345"
CLASS_X = "in.gov.cbse-SSCER-202214412345"
MEERA_LICENCE = "in.gov.transport-DRVLC-MH1220190012345"
ROHAN_LICENCE = "in.gov.transport-DRVLC-MH1220160012345"
ROHAN_PAN = "in.gov.pan-PANCR-BKRPM4817L"

IITM_CALLBACK = "https://admissions.iitm.ac.in/openlocker/callback"
PASSPORT_CALLBACK = "https://passport.example.gov.in/openlocker/callback"
ADMISSION = Purpose("ADMISSION", "Verify Class XII marks for M.Tech admission 2027")
PASSPORT = Purpose("PASSPORT", "Address and identity verification for a passport")


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    """The app's own services: the consent page's side of the flow."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    found: Services = transport.app.state.services  # type: ignore[attr-defined]
    return found


async def resident_with(username: str, mobile: str, *uris: str) -> Account:
    """A resident whose locker holds ``uris`` (as if pulled from their issuers)."""
    account = await Account.create(
        username=username, mobile=mobile, password_hash="not-used"
    )
    for uri in uris:
        issuer_id, doc_type, _ = uri.split("-", 2)
        await IssuedDocument.create(
            account=account,
            uri=uri,
            issuer_id=issuer_id,
            doc_type=doc_type,
            name=doc_type,
            pulled_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        )
    return account


@pytest.fixture
async def meera(client: httpx.AsyncClient) -> Account:
    """Meera Krishnan: her Class XII and Class X marksheets and her licence."""
    return await resident_with(
        "meera.krishnan", "9876509876", MARKSHEET, CLASS_X, MEERA_LICENCE
    )


@pytest.fixture
async def rohan(client: httpx.AsyncClient) -> Account:
    """Rohan Mehta: his driving licence and PAN record."""
    return await resident_with("rohan.mehta", "9822034567", ROHAN_LICENCE, ROHAN_PAN)


class RequesterApp:
    """A requester's application: authlib's OAuth client and its PKCE verifier."""

    def __init__(
        self,
        services: Services,
        transport: httpx.AsyncBaseTransport,
        requester: Requester,
        **client_options: Any,
    ) -> None:
        self.services = services
        self.requester = requester
        self.code_verifier = generate_token(48)
        self.responses: list[httpx.Response] = []
        self.oauth = AsyncOAuth2Client(
            client_id=requester.client_id,
            redirect_uri=requester.redirect_uris[0],
            code_challenge_method="S256",
            transport=transport,
            **client_options,
        )
        self.oauth.register_compliance_hook("access_token_response", self._keep)
        self.oauth.register_compliance_hook("refresh_token_response", self._keep)

    def authorization_params(self, scope: str, **params: str) -> dict[str, str]:
        """The query of the authorization URL authlib builds for ``scope``."""
        url, _ = self.oauth.create_authorization_url(
            AUTHORIZE_URL, code_verifier=self.code_verifier, scope=scope, **params
        )
        return dict(parse_qsl(urlsplit(url).query))

    async def approved(
        self, account: Account, scope: str, **params: str
    ) -> tuple[str, AuthorizationRequest]:
        """The redirect back after ``account`` granted every document asked for
        (each of the doc types asked for too)."""
        request = await self.services.oauth.validate_authorization_request(
            self.authorization_params(scope, **params)
        )
        held = await IssuedDocument.filter(
            account_id=account.id, doc_type__in=request.doc_types
        ).values_list("uri", flat=True)
        uris = dict.fromkeys([*request.uris, *(str(uri) for uri in held)])
        consent = await self.services.consents.grant(
            account,
            request.requester,
            purpose_code=request.purpose_code,
            documents=[(uri, request.forms) for uri in uris],
            valid_for=request.valid_for,
            max_reads=request.max_reads,
        )
        location = await self.services.oauth.approve(
            request, account=account, consent=consent
        )
        return location, request

    async def fetch_token(self, location: str, **options: Any) -> dict[str, Any]:
        """Exchange the code in ``location``, as the redirect's handler does."""
        options.setdefault("code_verifier", self.code_verifier)
        token: dict[str, Any] = await self.oauth.fetch_token(
            TOKEN_URL, authorization_response=location, **options
        )
        return token

    async def tokens_for(self, account: Account, scope: str) -> dict[str, Any]:
        """The whole flow: consent, code, tokens."""
        location, _ = await self.approved(account, scope, purpose="ADMISSION")
        return await self.fetch_token(location)

    async def refresh(self, refresh_token: str) -> dict[str, Any]:
        token: dict[str, Any] = await self.oauth.refresh_token(
            TOKEN_URL, refresh_token=refresh_token
        )
        return dict(token)

    async def revoke(self, token: str, hint: str | None = None) -> httpx.Response:
        response: httpx.Response = await self.oauth.revoke_token(
            REVOKE_URL, token=token, token_type_hint=hint
        )
        return response

    async def introspect(self, token: str) -> dict[str, Any]:
        response: httpx.Response = await self.oauth.introspect_token(
            INTROSPECT_URL, token=token
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def _keep(self, response: httpx.Response) -> httpx.Response:
        self.responses.append(response)
        return response


MakeApp = Callable[..., Awaitable[RequesterApp]]


@pytest.fixture
async def requester_app(
    client: httpx.AsyncClient, services: Services
) -> AsyncIterator[MakeApp]:
    """Registers a requester and answers its application (closed afterwards)."""
    apps: list[RequesterApp] = []

    async def make(
        org_id: str = "iitm",
        *,
        name: str = "Indian Institute of Technology Madras",
        redirect_uris: tuple[str, ...] = (IITM_CALLBACK,),
        purposes: tuple[Purpose, ...] = (ADMISSION,),
        doc_types: tuple[str, ...] = ("HSCER", "SSCER"),
        key: ECKey | None = None,
    ) -> RequesterApp:
        jwks = {"keys": [key.as_dict(private=False)]} if key is not None else None
        requester, secret = await services.requesters.register(
            org_id, name, redirect_uris, purposes, doc_types, jwks=jwks
        )
        if key is None:
            app = RequesterApp(
                services, client._transport, requester, client_secret=secret
            )
        else:
            app = RequesterApp(
                services,
                client._transport,
                requester,
                client_secret=key,
                token_endpoint_auth_method="private_key_jwt",
                revocation_endpoint_auth_method="private_key_jwt",
            )
            app.oauth.register_client_auth_method(PrivateKeyJWT(TOKEN_URL, alg="ES256"))
        apps.append(app)
        return app

    yield make
    for app in apps:
        await app.oauth.aclose()


@pytest.fixture
async def iitm(requester_app: MakeApp) -> RequesterApp:
    """IIT Madras's admissions portal, authenticating with its client secret."""
    return await requester_app()


@pytest.fixture
async def passport_office(requester_app: MakeApp) -> RequesterApp:
    """The Regional Passport Office, Pune, with a client secret of its own."""
    return await requester_app(
        "passport-pune",
        name="Regional Passport Office, Pune",
        redirect_uris=(PASSPORT_CALLBACK,),
        purposes=(PASSPORT,),
        doc_types=("DRVLC", "PANCR"),
    )


__all__ = ["OAuthError"]


def query_of(location: str) -> dict[str, str]:
    """The parameters a redirect location carries."""
    return dict(parse_qsl(urlsplit(location).query))
