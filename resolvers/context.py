"""The per-request context every resolver receives."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from starlette.requests import Request

from models import Account, Session
from services.container import Services
from services.errors import NotAuthenticated
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
    """Services, the HTTP request, and who is asking (looked up on first need)."""

    services: Services
    request: Request
    _viewer: tuple[Account, Session] | None = field(default=None, repr=False)

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

    async def resident(self) -> Account:
        """The signed-in resident; ``NotAuthenticated``/``SessionExpired`` if none."""
        account, _ = await self._signed_in()
        return account

    async def session(self) -> Session:
        """The session the request's token stands for; raises as ``resident``."""
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
