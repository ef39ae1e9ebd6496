"""Authorization codes: made on the resident's approval, exchanged once for tokens.

A code is 256 random bits, kept only as its SHA-256, bound to the requester,
the redirect URI and the PKCE challenge it was asked with, and valid for a
minute (``CODE_LIFETIME``). Its single use is decided by the database: the
exchange marks it with one conditional ``UPDATE … WHERE used_at IS NULL`` and
issues the tokens in the same transaction, so of two racing exchanges exactly
one gets tokens.

The tokens a code yields start a family whose id is the code's own id. When a
used code is presented again, every token of that family is revoked
(RFC 6749 4.1.2): the code leaked, and whoever holds those tokens may not be
the requester.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from authlib.oauth2.rfc6749 import InvalidGrantError
from tortoise.transactions import in_transaction

from models import Account, AuthorizationCode, Consent, Requester
from services.clock import Clock
from services.consents import ConsentStatus
from services.crypto import hash_token
from services.oauth.tokens import IssuedTokens, TokenService

logger = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(seconds=60)


@dataclass(frozen=True)
class IssuedCode:
    """A stored, unused, unexpired code, as authlib's grant checks it."""

    row: AuthorizationCode

    @property
    def code_challenge(self) -> str:
        return self.row.code_challenge

    @property
    def code_challenge_method(self) -> str:
        return self.row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope


@dataclass(frozen=True)
class Exchange:
    """What a code or refresh token was exchanged for: tokens under a consent."""

    tokens: IssuedTokens
    consent: Consent


class AuthorizationCodes:
    """Stores, finds and redeems authorization codes."""

    def __init__(self, clock: Clock, tokens: TokenService) -> None:
        self._clock = clock
        self._tokens = tokens

    async def store(
        self,
        code: str,
        *,
        requester: Requester,
        account: Account,
        consent: Consent,
        redirect_uri: str,
        scope: str,
        code_challenge: str,
    ) -> None:
        """Keep a new code's hash and everything it is bound to."""
        now = self._clock.now()
        await AuthorizationCode.create(
            code_hash=hash_token(code),
            requester_id=requester.id,
            account_id=account.id,
            consent_id=consent.id,
            redirect_uri=redirect_uri,
            scope=scope,
            code_challenge=code_challenge,
            code_challenge_method="S256",
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )

    async def find(self, code: str, requester: Requester) -> IssuedCode | None:
        """``requester``'s code if it can still be exchanged, else None.

        A code already exchanged revokes every token it yielded.
        """
        row = await AuthorizationCode.get_or_none(
            code_hash=hash_token(code), requester_id=requester.id
        )
        if row is None:
            return None
        if row.used_at is not None:
            await self._replayed(row, requester)
            return None
        if self._clock.now() >= row.expires_at:
            return None

        return IssuedCode(row)

    async def redeem(self, code: IssuedCode, requester: Requester) -> Exchange:
        """Use the code once and issue its tokens; ``InvalidGrantError`` if not.

        Refused when the code was used meanwhile (its tokens are then revoked)
        or the consent behind it ended since the resident approved.
        """
        row, now = code.row, self._clock.now()
        consent = await Consent.get(id=row.consent_id)
        if not _consent_live(consent, now):
            await AuthorizationCode.filter(id=row.id, used_at__isnull=True).update(
                used_at=now
            )
            raise InvalidGrantError(
                "The resident's consent behind this code has ended; ask again."
            )

        issued = None
        async with in_transaction():
            if await AuthorizationCode.filter(id=row.id, used_at__isnull=True).update(
                used_at=now
            ):
                issued = await self._tokens.issue(
                    requester, consent, scope=row.scope, family_id=row.id
                )
        if issued is None:
            await self._replayed(row, requester)
            raise InvalidGrantError("This code was already used.")
        logger.info(
            "Issued tokens for an authorization code",
            extra={"client_id": requester.client_id, "consent_id": str(consent.id)},
        )

        return Exchange(tokens=issued, consent=consent)

    async def _replayed(self, row: AuthorizationCode, requester: Requester) -> None:
        revoked = await self._tokens.revoke_family(row.id)
        logger.warning(
            "A used authorization code was presented again; revoked %d tokens "
            "issued from it",
            revoked,
            extra={"client_id": requester.client_id, "consent_id": str(row.consent_id)},
        )


def _consent_live(consent: Consent, now: datetime) -> bool:
    return consent.status == ConsentStatus.ACTIVE.value and now < consent.valid_until
