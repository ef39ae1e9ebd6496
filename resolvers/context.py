"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from models import Account, Session
from services.container import Services
from services.errors import NotAuthenticated


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


@dataclass
class LockerContext:
    """Services, the HTTP request, and who is asking (looked up on first need)."""

    services: Services
    request: Request
    _viewer: tuple[Account, Session] | None = field(default=None, repr=False)

    @property
    def token(self) -> str | None:
        return bearer_token(self.request)

    async def resident(self) -> Account:
        """The signed-in resident; ``NotAuthenticated``/``SessionExpired`` if none."""
        if self._viewer is None:
            token = self.token
            if token is None:
                raise NotAuthenticated(
                    "Sign in first and send the session token as "
                    "`Authorization: Bearer <token>`."
                )
            self._viewer = await self.services.accounts.authenticate(token)
        return self._viewer[0]
