"""Getting back into an account: a forgotten username or password.

Both start with an OTP to the account's registered mobile. Forgot username:
``start_username_recovery`` takes the mobile, ``confirm_username_recovery``
takes the code and answers the username. Forgot password:
``start_password_reset`` takes the username or the mobile,
``complete_password_reset`` takes the code and a new password, sets it and
signs out every session of the account.

Neither reveals whether an account exists. For an unknown username or mobile
the start creates a decoy challenge that no code answers and texts no one (an
unregistered number owes us nothing, and texting strangers on request is how
SMS-pumping fraud works); the answer looks exactly like a real one, and every
code sent to it is refused exactly as a wrong code is.
"""

from __future__ import annotations

import logging
import uuid

from tortoise.transactions import in_transaction

from config.settings import Settings
from models import Account, OtpChallenge
from services.account_changes import (
    check_new_password,
    hash_password,
    proven_challenge,
)
from services.accounts import AccountService, normalise_mobile
from services.clock import Clock
from services.crypto import keyed_hash
from services.errors import InvalidMobile, OtpChallengeNotFound
from services.otp import OtpService
from services.security_events import ClientInfo, SecurityEventKind, SecurityLog
from services.sessions import ENDED_BY_PASSWORD_RESET, end_sessions

logger = logging.getLogger(__name__)

RECOVER_USERNAME = "recover_username"
RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a secret


class RecoveryService:
    """Forgot-username and forgot-password, without account enumeration."""

    def __init__(
        self,
        settings: Settings,
        accounts: AccountService,
        otp: OtpService,
        security: SecurityLog,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.accounts = accounts
        self.otp = otp
        self.security = security
        self.clock = clock
        self._key = settings.secret_key.get_secret_value().encode()

    async def start_username_recovery(
        self, mobile: str, *, client: ClientInfo | None = None
    ) -> OtpChallenge:
        """Text a code to ``mobile`` if it has an account; answer the challenge.

        Raises ``InvalidMobile`` for a malformed number, and otherwise answers
        alike whether or not the number has an account.
        """
        mobile = normalise_mobile(mobile)
        account = await Account.get_or_none(mobile=mobile)
        if account is None:
            return await self._decoy(RECOVER_USERNAME, mobile, client)

        return await self.otp.issue(
            RECOVER_USERNAME,
            mobile,
            account=account,
            client_address=_address(client),
            text="{code} is your openlocker code to see your username. It is "
            f"valid for {self._minutes} minutes. Do not share it with anyone.",
        )

    async def confirm_username_recovery(
        self,
        challenge_id: uuid.UUID | str,
        code: str,
        *,
        client: ClientInfo | None = None,
    ) -> str:
        """Check the code and answer the username of the mobile's account.

        Raises the errors of ``OtpService.verify``; the code is spent.
        """
        challenge = await self.otp.verify(challenge_id, code, purpose=RECOVER_USERNAME)
        account = await self._account_of(challenge)
        await self.otp.consume(challenge)

        await self.security.record(
            account,
            SecurityEventKind.USERNAME_RECOVERED,
            client=client,
            detail="Username shown after a code to your mobile.",
        )

        return account.username

    async def start_password_reset(
        self, identifier: str, *, client: ClientInfo | None = None
    ) -> OtpChallenge:
        """Text a code to the registered mobile of a username or mobile number.

        Answers alike whether or not such an account exists; nothing is
        refused here, not even a malformed identifier, since that too would
        tell an unknown one from a known one.
        """
        try:
            mobile = normalise_mobile(identifier)
        except InvalidMobile:
            username = identifier.strip().lower()
            account = await Account.get_or_none(username=username)
            decoy_mobile = self._stand_in_mobile(username)
        else:
            account = await Account.get_or_none(mobile=mobile)
            decoy_mobile = mobile
        if account is None:
            return await self._decoy(RESET_PASSWORD, decoy_mobile, client)

        return await self.otp.issue(
            RESET_PASSWORD,
            account.mobile,
            account=account,
            client_address=_address(client),
            text="{code} is your openlocker code to choose a new password. It is "
            f"valid for {self._minutes} minutes. If you did not ask for it, "
            "ignore this message.",
        )

    async def complete_password_reset(
        self,
        challenge_id: uuid.UUID | str,
        code: str,
        new_password: str,
        *,
        client: ClientInfo | None = None,
    ) -> int:
        """Set ``new_password`` and sign out every session; answer how many.

        Raises ``WeakPassword`` and the OTP errors. A password the policy
        refuses on its own is refused before the code is tried, so the code
        stays good for the next try; one refused for containing the username
        or mobile is refused after, and the verified code then stays good
        for the rest of its lifetime.
        """
        # The general check first: it knows nothing of the account, so its
        # answer cannot tell a decoy from a real request.
        check_new_password(self.accounts, new_password)
        challenge = await proven_challenge(
            self.otp, challenge_id, code, purpose=RESET_PASSWORD
        )
        account = await self._account_of(challenge)
        check_new_password(self.accounts, new_password, account)
        new_hash = await hash_password(self.accounts, new_password)

        async with in_transaction() as connection:
            await self.otp.consume(challenge, using_db=connection)
            await (
                Account.filter(id=account.id)
                .using_db(connection)
                .update(password_hash=new_hash)
            )
            ended = await end_sessions(
                account,
                reason=ENDED_BY_PASSWORD_RESET,
                now=self.clock.now(),
                using_db=connection,
            )
        account.password_hash = new_hash
        await self.accounts.throttle.lift(str(account.id))
        logger.info("password reset", extra={"account_id": str(account.id)})

        await self.security.record(
            account,
            SecurityEventKind.PASSWORD_RESET,
            client=client,
            detail="Password reset after a code to your mobile; every session "
            "signed out.",
            notice="Your openlocker password was reset and every device was "
            "signed out. If this was not you, reset it again now: only this "
            "phone can.",
        )

        return ended

    @property
    def _minutes(self) -> int:
        return max(1, self.settings.otp_ttl_seconds // 60)

    async def _account_of(self, challenge: OtpChallenge) -> Account:
        """The account a verified challenge was sent for, still at that mobile."""
        account = await Account.get_or_none(
            id=challenge.account_id  # type: ignore[attr-defined]
        )
        if account is None or account.mobile != challenge.mobile:
            # The account moved to another number since the code was sent: the
            # code proves the old number, which no longer speaks for it.
            raise OtpChallengeNotFound(
                "This code request is no longer valid; ask for a new code."
            )

        return account

    def _stand_in_mobile(self, username: str) -> str:
        """For an unknown username, a fixed number no resident can have.

        A known username is limited by its account's mobile; limiting an
        unknown one by a number of its own (starting with 0, so it is no
        one's) makes asking twice behave alike.
        """
        digest = keyed_hash(self._key, username, purpose="decoy")
        digits = "".join(str(int(character, 16) % 10) for character in digest[:9])

        return f"0{digits}"

    async def _decoy(
        self, purpose: str, mobile: str, client: ClientInfo | None
    ) -> OtpChallenge:
        """A challenge no code answers, counted as a real one, texting no one.

        It counts against the same sending limits and voids older codes exactly
        as a real code does: any difference would tell an unknown account from
        a known one.
        """
        return await self.otp.issue_decoy(
            purpose, mobile, text=None, client_address=_address(client)
        )


def _address(client: ClientInfo | None) -> str | None:
    return client.address if client is not None else None
