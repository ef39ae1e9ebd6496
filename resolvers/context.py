"""The per-request context every resolver receives."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import NoReturn

from starlette.requests import Request

from models import Account, Session
from services.container import Services
from services.errors import (
    IssuersOnly,
    NotAuthenticated,
    NotForRequesters,
    RequestersOnly,
    SessionExpired,
)
from services.issuers.tokens import is_issuer_token
from services.oauth import RequesterAccess, is_access_token
from services.security_events import ClientInfo


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def client_info(request: Request) -> ClientInfo:
    """Where the request came from, as the security log shows it."""
    return ClientInfo(
        address=client_address(request),
        user_agent=request.headers.get("user-agent", "")[:256],
    )


@dataclass
class LockerContext:
    """Services, the HTTP request, and who is asking (looked up on first need).

    Who is asking is one of: nobody, a resident (a session token), a requester
    (an access token, ``olat_…``, standing for one consent), an issuer (an
    issuer token, ``olis_…``) or the operator (the admin token, checked by
    ``resolvers.admin``). A requester's token is
    told apart by its form, so resident fields refuse it without a lookup.
    """

    services: Services
    request: Request
    _viewer: tuple[Account, Session] | None = field(default=None, repr=False)
    _requester: RequesterAccess | None = field(default=None, repr=False)

    @property
    def token(self) -> str | None:
        return bearer_token(self.request)

    @property
    def client(self) -> ClientInfo:
        """The client address and user agent of this request."""
        return client_info(self.request)

    @property
    def session_id(self) -> uuid.UUID | None:
        """The signed-in session's id, once ``resident`` or ``session`` found it."""
        return self._viewer[1].id if self._viewer is not None else None

    @property
    def carries_requester_token(self) -> bool:
        """Whether the request's bearer token has a requester's access token form."""
        token = self.token
        return token is not None and is_access_token(token)

    def refuse_requester_token(self) -> None:
        """Raise ``NotForRequesters`` if a requester's access token was sent.

        Every resident path (through ``resident``) and every mutation (through
        ``schema.principals``) starts here: a token granted under a consent
        reaches only the consent's documents.
        """
        if self.carries_requester_token:
            raise NotForRequesters(
                "A requester's access token cannot be used here: requesters read "
                "through `sharedConsent`, `sharedDocument` and `verifyDocument`."
            )

    async def resident(self) -> Account:
        """The signed-in resident; ``NotAuthenticated``/``SessionExpired`` if none.

        A requester's access token is refused with ``NotForRequesters``.
        """
        self.refuse_requester_token()
        account, _ = await self._signed_in()
        return account

    async def requester(self) -> RequesterAccess:
        """The requester and consent the request's access token stands for.

        Looked up once per request. Raises ``NotAuthenticated`` for no token,
        an unknown, expired or revoked access token, or any other token that
        is not a live session; ``RequestersOnly`` for a resident's session.
        """
        if self._requester is None:
            token = self.token
            if token is None or not is_access_token(token):
                await self._refuse_non_requester()
            self._requester = await self.services.tokens.authenticate(token)
        return self._requester

    async def _refuse_non_requester(self) -> NoReturn:
        """Say why a request without a requester's access token is refused."""
        if self.token is not None:
            try:
                await self._signed_in()
            except (NotAuthenticated, SessionExpired):
                pass
            else:
                raise RequestersOnly(
                    "This is for requesters reading under a consent: send the "
                    "requester's access token. Residents see their consents "
                    "under `me`."
                )
        raise NotAuthenticated(
            "Send the access token the locker gave you for the resident's "
            "consent as `Authorization: Bearer <token>`."
        )

    async def issuer(self) -> str:
        """The issuer id the request's issuer token (``olis_…``) stands for.

        ``NotAuthenticated`` for no token or a dead one; ``IssuersOnly`` for a
        resident's session or a requester's access token.
        """
        token = self.token
        if token is not None and is_issuer_token(token):
            return await self.services.issuer_tokens.authenticate(token)
        if token is not None and is_access_token(token):
            raise _issuers_only()
        if token is not None:
            try:
                await self._signed_in()
            except (NotAuthenticated, SessionExpired):
                pass
            else:
                raise _issuers_only()
        raise NotAuthenticated(
            "Send the issuer token the locker's operator made for you as "
            "`Authorization: Bearer <token>`."
        )

    async def session(self) -> Session:
        """The session the request's token stands for; raises as ``resident``."""
        self.refuse_requester_token()
        _, session = await self._signed_in()
        return session

    async def _signed_in(self) -> tuple[Account, Session]:
        if self._viewer is None:
            token = self.token
            if token is None:
                raise NotAuthenticated(
                    "Sign in first and send the session token as "
                    "`Authorization: Bearer <token>`."
                )
            self._viewer = await self.services.accounts.authenticate(token)
        return self._viewer


def _issuers_only() -> IssuersOnly:
    return IssuersOnly(
        "Only an issuer's token can push documents; residents pull them with "
        "`pullDocument`."
    )
