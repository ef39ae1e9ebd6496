"""Issuers' API tokens: made by the operator, kept hashed, shown once.

An issuer's systems call ``/graphql`` with ``Authorization: Bearer olis_…`` to
push documents. The prefix tells an issuer's token from a resident's session
or a requester's access token without a lookup, and lets secret scanners spot
a leaked one. Only its SHA-256 is stored (``models.IssuerToken``).
"""

from __future__ import annotations

from dataclasses import dataclass

from models import IssuerToken
from services.clock import Clock
from services.crypto import hash_token, new_token
from services.errors import NotAuthenticated

ISSUER_TOKEN_PREFIX = "olis_"  # noqa: S105 - a prefix, not a secret


def is_issuer_token(token: str) -> bool:
    """Whether ``token`` has the form of an issuer's token."""
    return token.startswith(ISSUER_TOKEN_PREFIX)


@dataclass(frozen=True)
class IssuedIssuerToken:
    """A token just made: ``token`` is shown to the operator this once."""

    token: str
    row: IssuerToken


class IssuerTokens:
    """Makes, checks and revokes issuers' tokens."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def issue(self, issuer_id: str, *, label: str = "") -> IssuedIssuerToken:
        """A new token for ``issuer_id`` (which the caller checked is served here)."""
        token = ISSUER_TOKEN_PREFIX + new_token()
        row = await IssuerToken.create(
            issuer_id=issuer_id,
            token_hash=hash_token(token),
            label=label[:100],
            created_at=self._clock.now(),
        )
        return IssuedIssuerToken(token=token, row=row)

    async def authenticate(self, token: str) -> str:
        """The issuer id ``token`` stands for; ``NotAuthenticated`` if none."""
        row = None
        if is_issuer_token(token):
            row = await IssuerToken.get_or_none(
                token_hash=hash_token(token), revoked_at__isnull=True
            )
        if row is None:
            raise NotAuthenticated(
                "Send a live issuer token (olis_…) as `Authorization: Bearer "
                "<token>`; the locker's operator makes them."
            )
        return row.issuer_id

    async def revoke(self, issuer_id: str) -> int:
        """Revoke every live token of ``issuer_id``; answers how many."""
        return await IssuerToken.filter(
            issuer_id=issuer_id, revoked_at__isnull=True
        ).update(revoked_at=self._clock.now())
