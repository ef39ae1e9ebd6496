"""Requesters' tokens: issued under one consent, kept hashed, rotated on refresh.

An access token is an opaque random string (prefix ``olat_``), a refresh token
likewise (``olrt_``); the prefixes let ``/graphql`` tell a requester's token
from a resident's session token without a second lookup, and let secret
scanners spot a leaked one. Only their SHA-256 is stored (``models.OAuthToken``).

A token stands for exactly one consent. Whether the consent still lets
anything be read (revoked, expired, reads used up) is not decided here but by
``ConsentService.authorize_read`` on every read, so revoking a consent stops
its tokens on the very next request. A requester the operator deactivated
loses its tokens at once too.

Refreshing rotates the pair inside one family. Presenting a refresh token that
was already rotated revokes the whole family: either the requester or a thief
holds a stale copy, and the locker cannot tell which (RFC 9700, 4.14.2).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models import Consent, OAuthToken, Requester
from services.clock import Clock
from services.crypto import hash_token, new_token
from services.errors import NotAuthenticated

ACCESS_TOKEN_PREFIX = "olat_"  # noqa: S105 - a prefix, not a secret
REFRESH_TOKEN_PREFIX = "olrt_"  # noqa: S105 - a prefix, not a secret


@dataclass(frozen=True)
class IssuedTokens:
    """A fresh token pair, to send once in the token response."""

    access_token: str
    refresh_token: str
    expires_in: int
    scope: str
    row: OAuthToken


@dataclass(frozen=True)
class RequesterAccess:
    """Who a valid access token speaks for: a requester, under one consent."""

    requester: Requester
    consent_id: uuid.UUID
    account_id: uuid.UUID
    token_id: uuid.UUID
    scope: str


def is_access_token(token: str) -> bool:
    """Whether ``token`` has the form of a requester's access token."""
    return token.startswith(ACCESS_TOKEN_PREFIX)


class TokenService:
    """Issues, checks, rotates and revokes requesters' tokens."""

    def __init__(self, clock: Clock, *, access_token_seconds: int) -> None:
        self._clock = clock
        self.access_lifetime = timedelta(seconds=access_token_seconds)

    async def issue(
        self,
        requester: Requester,
        consent: Consent,
        *,
        scope: str = "",
        family_id: uuid.UUID | None = None,
    ) -> IssuedTokens:
        """A new pair for ``consent``; the refresh token lasts as long as it."""
        now = self._clock.now()
        access_token = ACCESS_TOKEN_PREFIX + new_token()
        refresh_token = REFRESH_TOKEN_PREFIX + new_token()
        # Not cut at the consent's end: a read after it is then refused by the
        # consent itself, with CONSENT_EXPIRED, which tells the requester why.
        access_expires_at = now + self.access_lifetime
        row = await OAuthToken.create(
            id=uuid.uuid4(),
            family_id=family_id or uuid.uuid4(),
            access_token_hash=hash_token(access_token),
            refresh_token_hash=hash_token(refresh_token),
            requester_id=requester.id,
            account_id=consent.account_id,
            consent_id=consent.id,
            scope=scope,
            issued_at=now,
            access_expires_at=access_expires_at,
            refresh_expires_at=consent.valid_until,
        )
        return IssuedTokens(
            access_token=access_token,
            refresh_token=refresh_token,
            expires_in=max(1, int((access_expires_at - now).total_seconds())),
            scope=scope,
            row=row,
        )

    async def authenticate(self, access_token: str) -> RequesterAccess:
        """The requester and consent an access token stands for.

        Raises ``NotAuthenticated`` for a token that is unknown, expired or
        revoked, or whose requester was deactivated.
        """
        row = await self.access_token_row(access_token)
        if row is None:
            raise NotAuthenticated(
                "This access token is not valid (unknown, expired or revoked); "
                "refresh it or ask the resident again."
            )
        return RequesterAccess(
            requester=row.requester,
            consent_id=row.consent_id,
            account_id=row.account_id,
            token_id=row.id,
            scope=row.scope,
        )

    async def access_token_row(self, access_token: str) -> OAuthToken | None:
        """The live row of an access token, with its requester; None if not live."""
        row = (
            await OAuthToken.filter(access_token_hash=hash_token(access_token))
            .select_related("requester")
            .first()
        )
        if row is None or not self._live(row, row.access_expires_at):
            return None
        return row

    async def refresh_token_row(
        self, refresh_token: str, requester: Requester
    ) -> OAuthToken | None:
        """The row of ``requester``'s refresh token, live or not; None if unknown."""
        return (
            await OAuthToken.filter(
                refresh_token_hash=hash_token(refresh_token),
                requester_id=requester.id,
            )
            .select_related("requester", "consent")
            .first()
        )

    async def rotate(self, refresh_token: str, requester: Requester) -> IssuedTokens:
        """Exchange a refresh token for a new pair in its family.

        Raises ``NotAuthenticated`` for an unknown, expired or revoked refresh
        token. One that was already rotated revokes its family first.
        """
        row = await self.refresh_token_row(refresh_token, requester)
        if row is None or row.revoked_at is not None:
            raise _invalid_refresh()
        now = self._clock.now()
        if row.rotated_at is not None:
            await self.revoke_family(row.family_id)
            raise _invalid_refresh()
        if row.refresh_expires_at is not None and row.refresh_expires_at <= now:
            raise _invalid_refresh()
        if not row.requester.active:
            raise _invalid_refresh()

        async with in_transaction():
            rotated = await OAuthToken.filter(
                id=row.id, rotated_at__isnull=True, revoked_at__isnull=True
            ).update(rotated_at=now)
            if not rotated:
                # Another request rotated it at the same moment: a replay.
                await self.revoke_family(row.family_id)
                raise _invalid_refresh()
            return await self.issue(
                requester, row.consent, scope=row.scope, family_id=row.family_id
            )

    async def revoke_family(self, family_id: uuid.UUID) -> int:
        """Revoke every token of a family; the number newly revoked."""
        return await OAuthToken.filter(
            family_id=family_id, revoked_at__isnull=True
        ).update(revoked_at=self._clock.now())

    async def revoke_consent(self, consent_id: uuid.UUID) -> int:
        """Revoke every token issued under a consent; the number newly revoked."""
        return await OAuthToken.filter(
            consent_id=consent_id, revoked_at__isnull=True
        ).update(revoked_at=self._clock.now())

    async def revoke_requester(self, requester_id: uuid.UUID) -> int:
        """Revoke every token a requester holds; the number newly revoked.

        Deactivating a requester already stops its tokens (``_live``); marking
        them revoked as well keeps them dead if it is ever reactivated.
        """
        return await OAuthToken.filter(
            requester_id=requester_id, revoked_at__isnull=True
        ).update(revoked_at=self._clock.now())

    def _live(self, row: OAuthToken, expires_at: datetime | None) -> bool:
        if row.revoked_at is not None or not row.requester.active:
            return False
        return expires_at is None or self._clock.now() < expires_at


def _invalid_refresh() -> NotAuthenticated:
    return NotAuthenticated(
        "This refresh token is not valid (unknown, used, expired or revoked); "
        "ask the resident again."
    )
