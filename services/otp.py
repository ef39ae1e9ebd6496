"""One-time passwords sent by SMS to prove a mobile number.

A challenge is a row in ``otp_challenge``: the code itself is never stored,
only ``keyed_hash(secret_key, "<challenge id>:<code>", purpose="otp")``. Every
state change (a wrong try, verification, consumption) is a conditional UPDATE,
so the rules hold when many app processes share one database.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any, NoReturn

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from config.settings import Settings
from models import Account, OtpChallenge
from services.clock import Clock
from services.crypto import keyed_hash
from services.errors import (
    OtpAlreadyUsed,
    OtpAttemptsExceeded,
    OtpChallengeNotFound,
    OtpExpired,
    OtpInvalid,
    OtpNotVerified,
)
from services.sms import SmsSender

logger = logging.getLogger(__name__)

CODE_PLACEHOLDER = "{code}"


class OtpService:
    """Issues, verifies and consumes OTP challenges.

    The life of a challenge: ``issue`` sends a code; ``verify`` checks a code
    the resident typed (at most ``otp_max_attempts`` wrong tries, within
    ``otp_ttl_seconds``); the caller then does what the proof was for and
    ``consume``s the challenge in the same transaction, within ``otp_ttl_seconds``
    of verification, so that one proof is spent exactly once.
    """

    def __init__(self, settings: Settings, sms: SmsSender, clock: Clock) -> None:
        self.settings = settings
        self.sms = sms
        self.clock = clock
        self._key = settings.secret_key.get_secret_value().encode()

    @property
    def ttl(self) -> timedelta:
        """How long a code, and then its verification, stays good."""
        return timedelta(seconds=self.settings.otp_ttl_seconds)

    async def issue(
        self,
        purpose: str,
        mobile: str,
        *,
        text: str,
        account: Account | None = None,
        payload: dict[str, Any] | None = None,
    ) -> OtpChallenge:
        """Create a challenge for ``purpose`` and text its code to ``mobile``.

        ``text`` is the message with ``{code}`` where the six digits go.
        ``payload`` keeps what the purpose needs after verification; it must
        hold no secret in clear.
        """
        if CODE_PLACEHOLDER not in text:
            raise ValueError("OtpService.issue needs a text with a {code} placeholder")
        code = f"{secrets.randbelow(1_000_000):06d}"
        challenge = await self._create(purpose, mobile, code, account, payload)

        await self.sms.send(mobile, text.replace(CODE_PLACEHOLDER, code))
        logger.info(
            "OTP challenge issued",
            extra={"challenge_id": str(challenge.id), "purpose": purpose},
        )

        return challenge

    async def issue_decoy(
        self, purpose: str, mobile: str, *, text: str
    ) -> OtpChallenge:
        """Create a challenge no code can answer, and send ``text`` (no code).

        For answering a request without revealing what it found: the caller
        gets a challenge id like any other, every code is refused exactly as a
        wrong code is, and only the owner of the mobile reads why.
        """
        if CODE_PLACEHOLDER in text:
            raise ValueError("OtpService.issue_decoy sends no code: drop {code}")
        # A 256-bit secret nobody is told: no six-digit code hashes to it.
        unanswerable = secrets.token_hex(32)
        challenge = await self._create(purpose, mobile, unanswerable, None, None)

        await self.sms.send(mobile, text)

        return challenge

    async def verify(
        self, challenge_id: uuid.UUID | str, code: str, *, purpose: str
    ) -> OtpChallenge:
        """Check ``code`` against the challenge and mark it verified.

        Raises ``OtpChallengeNotFound``, ``OtpAlreadyUsed``, ``OtpExpired``,
        ``OtpAttemptsExceeded`` or, for a wrong code, ``OtpInvalid`` saying
        how many tries are left (the wrong try that uses up the last one
        raises ``OtpAttemptsExceeded``).
        """
        challenge = await self._get(challenge_id, purpose)
        now = self.clock.now()
        self._check_open(challenge, now)

        if not hmac.compare_digest(
            self._hash(challenge.id, code.strip()), challenge.code_hash
        ):
            await self._count_wrong_try(challenge)

        open_and_unverified = OtpChallenge.filter(
            id=challenge.id,
            verified_at__isnull=True,
            consumed_at__isnull=True,
            attempts__lt=self.settings.otp_max_attempts,
        )
        if not await open_and_unverified.update(verified_at=now):
            # Another process used the challenge up between our read and write.
            await challenge.refresh_from_db()
            self._check_open(challenge, now)
            raise OtpAlreadyUsed(
                "This code has already been used; ask for a new one.", field="otp"
            )
        challenge.verified_at = now

        return challenge

    async def verified_challenge(
        self, challenge_id: uuid.UUID | str, *, purpose: str
    ) -> OtpChallenge:
        """The challenge, provided it was verified, not consumed, and recently.

        Raises ``OtpChallengeNotFound``, ``OtpNotVerified``, ``OtpAlreadyUsed``
        or ``OtpExpired`` (verification older than the OTP lifetime).
        """
        challenge = await self._get(challenge_id, purpose)
        self._check_spendable(challenge)

        return challenge

    async def consume(
        self, challenge: OtpChallenge, *, using_db: BaseDBAsyncClient | None = None
    ) -> None:
        """Spend a verified challenge; a second ``consume`` raises ``OtpAlreadyUsed``.

        Pass ``using_db`` to make this part of the caller's transaction, so the
        challenge stays unspent if the caller's work fails.
        """
        now = self.clock.now()
        spendable = OtpChallenge.filter(
            id=challenge.id,
            consumed_at__isnull=True,
            verified_at__isnull=False,
            verified_at__gte=now - self.ttl,
        )
        if using_db is not None:
            spendable = spendable.using_db(using_db)

        if not await spendable.update(consumed_at=now):
            await challenge.refresh_from_db(using_db=using_db)
            self._check_spendable(challenge)
            raise OtpAlreadyUsed("This code has already been used; ask for a new one.")
        challenge.consumed_at = now

    async def _create(
        self,
        purpose: str,
        mobile: str,
        code: str,
        account: Account | None,
        payload: dict[str, Any] | None,
    ) -> OtpChallenge:
        challenge_id = uuid.uuid4()
        now = self.clock.now()

        return await OtpChallenge.create(
            id=challenge_id,
            purpose=purpose,
            mobile=mobile,
            code_hash=self._hash(challenge_id, code),
            created_at=now,
            expires_at=now + self.ttl,
            account=account,
            payload=payload or {},
        )

    async def _get(self, challenge_id: uuid.UUID | str, purpose: str) -> OtpChallenge:
        try:
            parsed_id = uuid.UUID(str(challenge_id))
        except ValueError:
            parsed_id = None
        challenge = None
        if parsed_id is not None:
            challenge = await OtpChallenge.get_or_none(id=parsed_id)

        if challenge is None or challenge.purpose != purpose:
            raise OtpChallengeNotFound(
                "There is no such code request; ask for a new code."
            )

        return challenge

    def _hash(self, challenge_id: uuid.UUID, code: str) -> str:
        return keyed_hash(self._key, f"{challenge_id}:{code}", purpose="otp")

    def _check_open(self, challenge: OtpChallenge, now: datetime) -> None:
        """Raise unless the challenge can still take a try."""
        if challenge.consumed_at is not None or challenge.verified_at is not None:
            raise OtpAlreadyUsed(
                "This code has already been used; ask for a new one.", field="otp"
            )
        if now >= challenge.expires_at:
            raise OtpExpired("This code has expired; ask for a new one.", field="otp")
        if challenge.attempts >= self.settings.otp_max_attempts:
            raise OtpAttemptsExceeded(
                "Too many wrong codes; ask for a new one.", field="otp"
            )

    def _check_spendable(self, challenge: OtpChallenge) -> None:
        """Raise unless the challenge is verified, unspent and recent enough."""
        if challenge.consumed_at is not None:
            raise OtpAlreadyUsed("This code has already been used; ask for a new one.")
        if challenge.verified_at is None:
            raise OtpNotVerified("Enter the code we sent first.", field="otp")
        if self.clock.now() >= challenge.verified_at + self.ttl:
            raise OtpExpired("This code has expired; ask for a new one.")

    async def _count_wrong_try(self, challenge: OtpChallenge) -> NoReturn:
        """Record a wrong try and raise the error the resident should see."""
        limit = self.settings.otp_max_attempts
        counted = await OtpChallenge.filter(
            id=challenge.id,
            verified_at__isnull=True,
            consumed_at__isnull=True,
            attempts__lt=limit,
        ).update(attempts=F("attempts") + 1)
        if not counted:
            # Another process used up the tries, or the challenge, first.
            await challenge.refresh_from_db()
            self._check_open(challenge, self.clock.now())
            raise OtpAttemptsExceeded("Too many wrong codes; ask for a new one.")

        await challenge.refresh_from_db(fields=["attempts"])
        tries_left = limit - challenge.attempts
        logger.debug(
            "wrong OTP", extra={"challenge_id": str(challenge.id), "left": tries_left}
        )
        if tries_left <= 0:
            raise OtpAttemptsExceeded(
                "Too many wrong codes; ask for a new one.", field="otp"
            )

        raise OtpInvalid(
            f"That code is not right; {tries_left} "
            f"{'try' if tries_left == 1 else 'tries'} left.",
            field="otp",
        )
