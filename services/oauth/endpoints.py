"""Token revocation (RFC 7009) and introspection (RFC 7662) for requesters.

Both authenticate the requester as the token endpoint does. A token is found
by its prefix (``olat_`` access, ``olrt_`` refresh) and its hash.

- Revoking either token of a pair revokes its whole family: every access and
  refresh token descended from the same authorization code. An unknown token
  is answered 200, as RFC 7009 asks; another requester's token is refused.
- Introspection answers only about the requester's own tokens; any other, and
  a token whose consent was revoked or ran out, is ``{"active": false}``.
  ``sub`` is an opaque id of the resident, the same for one requester every
  time and different for each requester, never their mobile or Aadhaar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint

from models import OAuthToken
from services.clock import Clock
from services.consents import ConsentStatus
from services.crypto import hash_token
from services.oauth.bridge import in_loop
from services.oauth.clients import AUTH_METHODS, RequesterClient
from services.oauth.tokens import ACCESS_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX

if TYPE_CHECKING:
    from services.oauth.server import LockerAuthorizationServer

ACCESS_TOKEN = "access_token"  # noqa: S105 - a token type's name
REFRESH_TOKEN = "refresh_token"  # noqa: S105 - a token type's name


@dataclass(frozen=True)
class HeldToken:
    """A token presented for revocation or introspection, with its row.

    ``row`` carries its requester and consent; ``now`` is when it was looked
    up, so that every check on it agrees.
    """

    row: OAuthToken
    kind: str
    now: datetime

    @property
    def expires_at(self) -> datetime | None:
        if self.kind == ACCESS_TOKEN:
            return self.row.access_expires_at
        return self.row.refresh_expires_at

    def check_client(self, client: RequesterClient) -> bool:
        return self.row.requester_id == client.requester.id

    def get_scope(self) -> str:
        return self.row.scope

    def is_expired(self) -> bool:
        expires_at = self.expires_at
        ended = expires_at is not None and self.now >= expires_at
        return ended or self.now >= self.row.consent.valid_until

    def is_revoked(self) -> bool:
        """Revoked, rotated (a refresh token), or its consent or requester ended."""
        rotated = self.kind == REFRESH_TOKEN and self.row.rotated_at is not None
        return (
            self.row.revoked_at is not None
            or rotated
            or self.row.consent.status != ConsentStatus.ACTIVE.value
            or not self.row.requester.active
        )


async def find_token(value: str, clock: Clock) -> HeldToken | None:
    """The row of an access or refresh token, live or not; None if unknown."""
    if value.startswith(ACCESS_TOKEN_PREFIX):
        kind, query = (
            ACCESS_TOKEN,
            OAuthToken.filter(access_token_hash=hash_token(value)),
        )
    elif value.startswith(REFRESH_TOKEN_PREFIX):
        kind, query = (
            REFRESH_TOKEN,
            OAuthToken.filter(refresh_token_hash=hash_token(value)),
        )
    else:
        return None
    row = await query.select_related("requester", "consent").first()

    return None if row is None else HeldToken(row=row, kind=kind, now=clock.now())


class LockerRevocationEndpoint(RevocationEndpoint):
    """``POST /oauth/revoke``: revoke a token's family."""

    CLIENT_AUTH_METHODS = AUTH_METHODS
    server: LockerAuthorizationServer

    def query_token(
        self, token_string: str, token_type_hint: str | None
    ) -> HeldToken | None:
        return in_loop(find_token, token_string, self.server.clock)

    def revoke_token(self, token: HeldToken, request: OAuth2Request) -> None:
        in_loop(self.server.tokens.revoke_family, token.row.family_id)


class LockerIntrospectionEndpoint(IntrospectionEndpoint):
    """``POST /oauth/introspect``: what a requester's own token stands for."""

    CLIENT_AUTH_METHODS = AUTH_METHODS
    server: LockerAuthorizationServer

    def query_token(
        self, token_string: str, token_type_hint: str | None
    ) -> HeldToken | None:
        return in_loop(find_token, token_string, self.server.clock)

    def check_permission(
        self, token: HeldToken, client: RequesterClient, request: OAuth2Request
    ) -> bool:
        return token.check_client(client)

    def introspect_token(self, token: HeldToken) -> dict[str, Any]:
        row, expires_at = token.row, token.expires_at
        answer: dict[str, Any] = {
            "active": True,
            "scope": row.scope,
            "client_id": row.requester.client_id,
            "token_type": "Bearer" if token.kind == ACCESS_TOKEN else REFRESH_TOKEN,
            "iat": int(row.issued_at.timestamp()),
            "sub": self.server.subject_for(row),
            "iss": self.server.issuer,
            "consent_id": str(row.consent_id),
        }
        if expires_at is not None:
            answer["exp"] = int(expires_at.timestamp())

        return answer
