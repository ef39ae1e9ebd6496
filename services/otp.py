"""One-time passwords sent by SMS to prove a mobile number.

A challenge is a row in ``otp_challenge``: the code itself is never stored,
only ``keyed_hash(secret_key, "<challenge id>:<code>", purpose="otp")``. Every
state change (a wrong try, verification, consumption) is a conditional UPDATE,
so the rules hold when many app processes share one database.

Sending is limited through the shared ``RateLimiter``: a new code for the same
purpose and mobile no sooner than ``otp_resend_seconds`` after the last (unless
that one was entered), at most ``otp_sends_per_mobile_per_hour`` to one mobile and
``otp_sends_per_address_per_hour`` asked for from one client address. A refused
send raises ``RateLimited`` and leaves no trace but the count. A new code voids
the older unanswered ones of its purpose and mobile, so that asking again does
not multiply the tries.
"""

from __future__ import annotations

import hmac
import logging
import math
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
    RateLimited,
)
from services.ratelimit import Limit, RateLimiter
from services.sms import SmsSender

logger = logging.getLogger(__name__)

CODE_PLACEHOLDER = "{code}"
HOUR = 3600


class OtpService:
    """Issues, verifies and consumes OTP challenges.

    The life of a challenge: ``issue`` sends a code; ``verify`` checks a code
    the resident typed (at most ``otp_max_attempts`` wrong tries, within
    ``otp_ttl_seconds``); the caller then does what the proof was for and
    ``consume``s the challenge in the same transaction, within ``otp_ttl_seconds``
    of verification, so that one proof is spent exactly once.
    """

    def __init__(
        self,
        settings: Settings,
        sms: SmsSender,
        clock: Clock,
        *,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.settings = settings
        self.sms = sms
        self.clock = clock
        self.limiter = limiter or RateLimiter.in_memory(
            secret_key=settings.secret_key.get_secret_value(), clock=clock
        )
        self._key = settings.secret_key.get_secret_value().encode()
        self._resend = Limit.fixed_window(1, settings.otp_resend_seconds)
        self._per_mobile = Limit.moving_window(
            settings.otp_sends_per_mobile_per_hour, HOUR
        )
        self._per_address = Limit.moving_window(
            settings.otp_sends_per_address_per_hour, HOUR
        )

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
        client_address: str | None = None,
    ) -> OtpChallenge:
        """Create a challenge for ``purpose`` and text its code to ``mobile``.

        ``text`` is the message with ``{code}`` where the six digits go.
        ``payload`` keeps what the purpose needs after verification; it must
        hold no secret in clear. ``client_address`` is where the request came
        from, for the per-address limit. Raises ``RateLimited``, sending
        nothing and creating no challenge, when a sending limit refuses.
        """
        if CODE_PLACEHOLDER not in text:
            raise ValueError("OtpService.issue needs a text with a {code} placeholder")
        await self._reserve_send(purpose, mobile, client_address)
        code = f"{secrets.randbelow(1_000_000):06d}"
        challenge = await self._create(purpose, mobile, code, account, payload)

        await self.sms.send(mobile, text.replace(CODE_PLACEHOLDER, code))
        logger.info(
            "OTP challenge issued",
            extra={"challenge_id": str(challenge.id), "purpose": purpose},
        )

        return challenge

    async def issue_decoy(
        self,
        purpose: str,
        mobile: str,
        *,
        text: str | None,
        client_address: str | None = None,
    ) -> OtpChallenge:
        """Create a challenge no code can answer, and send ``text`` (no code).

        For answering a request without revealing what it found: the caller
        gets a challenge id like any other, every code is refused exactly as a
        wrong code is, the sending limits count and refuse exactly as for
        ``issue``, and only the owner of the mobile reads why. With ``text``
        None nothing is sent: for a mobile that belongs to no one.
        """
        if text is not None and CODE_PLACEHOLDER in text:
            raise ValueError("OtpService.issue_decoy sends no code: drop {code}")
        await self._reserve_send(purpose, mobile, client_address)
        # A 256-bit secret nobody is told: no six-digit code hashes to it.
        unanswerable = secrets.token_hex(32)
        challenge = await self._create(purpose, mobile, unanswerable, None, None)

        if text is not None:
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

        # The wait between codes guards a code nobody has answered yet; once
        # one was entered, the next request for the purpose is not a resend.
        await self.limiter.clear(
            self._resend_key(challenge.purpose, challenge.mobile), self._resend
        )

        return challenge

    async def verify_for(
        self,
        account: Account,
        challenge_id: uuid.UUID | str,
        code: str,
        *,
        purpose: str,
    ) -> OtpChallenge:
        """``verify``, for a challenge that ``account`` started, to its mobile.

        Anyone else's challenge id (or one sent before the account's number
        changed) is ``OtpChallengeNotFound`` before any code is compared, so
        nobody can spend or burn another resident's tries.
        """
        try:
            parsed_id: uuid.UUID | None = uuid.UUID(str(challenge_id))
        except ValueError:
            parsed_id = None
        pending = None
        if parsed_id is not None:
            pending = await OtpChallenge.get_or_none(
                id=parsed_id, purpose=purpose, account_id=account.id
            )
        if pending is None or pending.mobile != account.mobile:
            raise OtpChallengeNotFound(
                "There is no such code request for your account; ask for a new code.",
                field="challengeId",
            )

        return await self.verify(pending.id, code, purpose=purpose)

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
        await self._void_unanswered(purpose, mobile, now)

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

    async def _reserve_send(
        self, purpose: str, mobile: str, client_address: str | None
    ) -> None:
        """Count one send against every limit, or raise ``RateLimited``.

        All limits are looked at first, so that the answer names the longest
        wait; each is then hit atomically, which is what holds under races.
        The address is counted first: a refusal further on costs the asker's
        own address, never the mobile's hourly allowance.
        """
        limits = [
            (self._resend_key(purpose, mobile), self._resend, _resend_refused),
            (self.limiter.key("otp:mobile", mobile), self._per_mobile, _mobile_refused),
        ]
        if client_address:
            address_key = self.limiter.key("otp:address", client_address)
            limits.insert(0, (address_key, self._per_address, _address_refused))

        waits = [
            (await self.limiter.retry_after(key, limit), refused)
            for key, limit, refused in limits
        ]
        longest, refused = max(waits, key=lambda wait: wait[0])
        if longest:
            raise refused(longest)

        for key, limit, refused in limits:
            if not await self.limiter.hit(key, limit):
                raise refused(await self.limiter.retry_after(key, limit) or 1)

    def _resend_key(self, purpose: str, mobile: str) -> str:
        return self.limiter.key(f"otp:resend:{purpose}", mobile)

    async def _void_unanswered(self, purpose: str, mobile: str, now: datetime) -> None:
        """End the older codes of ``purpose`` sent to ``mobile`` not yet entered."""
        voided = await OtpChallenge.filter(
            purpose=purpose,
            mobile=mobile,
            verified_at__isnull=True,
            consumed_at__isnull=True,
            expires_at__gt=now,
        ).update(expires_at=now)
        if voided:
            logger.debug("older OTP challenges voided", extra={"count": voided})

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


def _wait(seconds: int) -> str:
    """``45 seconds``, or ``12 minutes`` once it is longer than a minute and a half."""
    if seconds <= 90:
        return f"{seconds} {'second' if seconds == 1 else 'seconds'}"

    return f"{math.ceil(seconds / 60)} minutes"


def _resend_refused(seconds: int) -> RateLimited:
    return RateLimited(
        f"A code was just sent to this number; ask again in {_wait(seconds)}.",
        retry_after_seconds=seconds,
    )


def _mobile_refused(seconds: int) -> RateLimited:
    return RateLimited(
        "Too many codes were sent to this number in the last hour; try again "
        f"in {_wait(seconds)}.",
        retry_after_seconds=seconds,
    )


def _address_refused(seconds: int) -> RateLimited:
    return RateLimited(
        "Too many codes were asked for from your network in the last hour; "
        f"try again in {_wait(seconds)}.",
        retry_after_seconds=seconds,
    )
