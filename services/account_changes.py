"""Changes a signed-in resident makes to how they sign in: password and mobile.

Changing the password needs the current one; changing the mobile number needs
an OTP sent to the current number and another sent to the new one, so that
neither a stolen session alone nor a stolen phone alone can move the account.
Either change signs out every other session, is recorded in the security log
and is noticed by SMS.

A new number that already has an account is not revealed: its owner is told
by SMS, with no code, and the confirmation is refused as a wrong code is.
"""

from __future__ import annotations

import logging
import uuid

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from config.settings import Settings
from models import Account, OtpChallenge
from services.accounts import AccountService, normalise_mobile
from services.clock import Clock
from services.crypto import mask_mobile
from services.errors import (
    InvalidCredentials,
    InvalidMobile,
    LockerError,
    MobileAlreadyRegistered,
    OtpAlreadyUsed,
    OtpChallengeNotFound,
    RateLimited,
    WeakPassword,
)
from services.otp import OtpService
from services.security_events import ClientInfo, SecurityEventKind, SecurityLog
from services.sessions import (
    ENDED_BY_MOBILE_CHANGE,
    ENDED_BY_PASSWORD_CHANGE,
    end_sessions,
    signed_out,
)
from services.sms import SmsSender

logger = logging.getLogger(__name__)

MOBILE_CHANGE_CURRENT = "mobile_change_current"
MOBILE_CHANGE_NEW = "mobile_change_new"
# The current number's challenge names the new number's one in its payload.
_NEW_CHALLENGE = "new_challenge_id"


async def hash_password(accounts: AccountService, password: str) -> str:
    """``password`` hashed exactly as ``AccountService`` hashes it at sign-up."""
    return await accounts.hash_password(password)


async def password_matches(
    accounts: AccountService, account: Account, password: str
) -> bool:
    """Whether ``password`` is the account's, checked by ``AccountService``."""
    return await accounts.password_matches(account, password)


async def proven_challenge(
    otp: OtpService,
    challenge_id: uuid.UUID | str,
    code: str,
    *,
    purpose: str,
    field: str = "otp",
) -> OtpChallenge:
    """Verify ``code``, or take a challenge an earlier try of this step verified.

    A step that checks more than the code (a new password, a second code) may
    be refused after its code was verified; the resident then corrects the
    rest and sends the step again. The verified, unspent challenge still
    stands for the proof, as it does between sign-up's verify and complete.
    A refusal names ``field``, the argument the code came in.
    """
    try:
        try:
            return await otp.verify(challenge_id, code, purpose=purpose)
        except OtpAlreadyUsed:
            return await otp.verified_challenge(challenge_id, purpose=purpose)
    except LockerError as error:
        error.field = field
        raise


def check_new_password(
    accounts: AccountService, password: str, account: Account | None = None
) -> None:
    """``AccountService``'s password policy, refusing in the ``newPassword`` field.

    With ``account``, its username and mobile count as known to an attacker.
    """
    try:
        if account is None:
            accounts.passwords.check(password)
        else:
            accounts.passwords.check(
                password, username=account.username, mobile=account.mobile
            )
    except WeakPassword as error:
        error.field = "newPassword"
        raise


def _challenge_uuid(challenge_id: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(challenge_id))
    except ValueError as error:
        raise _no_such_request() from error


def _no_such_request() -> OtpChallengeNotFound:
    return OtpChallengeNotFound(
        "There is no such code request for your account; ask for a new code."
    )


class AccountChanges:
    """Password and mobile changes of a signed-in resident."""

    def __init__(
        self,
        settings: Settings,
        accounts: AccountService,
        otp: OtpService,
        security: SecurityLog,
        sms: SmsSender,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.accounts = accounts
        self.otp = otp
        self.security = security
        self.sms = sms
        self.clock = clock

    async def change_password(
        self,
        account: Account,
        current_password: str,
        new_password: str,
        *,
        current_session: uuid.UUID,
        client: ClientInfo | None = None,
    ) -> int:
        """Set a new password and sign out every other session; answer how many.

        Raises ``InvalidCredentials`` when ``current_password`` is wrong,
        ``RateLimited`` after too many wrong ones, and ``WeakPassword`` (with
        the reason) for a new password the policy refuses.
        """
        await self._check_current_password(account, current_password, client)
        check_new_password(self.accounts, new_password, account)
        new_hash = await hash_password(self.accounts, new_password)

        async with in_transaction() as connection:
            # Conditional, so that of two changes racing only the first lands.
            changed = (
                await Account.filter(id=account.id, password_hash=account.password_hash)
                .using_db(connection)
                .update(password_hash=new_hash)
            )
            if not changed:
                raise InvalidCredentials(
                    "Your password was changed meanwhile; sign in again.",
                    field="currentPassword",
                )
            ended = await end_sessions(
                account,
                reason=ENDED_BY_PASSWORD_CHANGE,
                now=self.clock.now(),
                keep=current_session,
                using_db=connection,
            )
        account.password_hash = new_hash
        logger.info("password changed", extra={"account_id": str(account.id)})

        await self.security.record(
            account,
            SecurityEventKind.PASSWORD_CHANGED,
            client=client,
            detail=f"Password changed; {signed_out(ended)}.",
            notice="Your openlocker password was changed and your other devices "
            "were signed out. If this was not you, reset your password now.",
        )

        return ended

    async def _check_current_password(
        self, account: Account, password: str, client: ClientInfo | None
    ) -> None:
        """Raise ``InvalidCredentials`` unless ``password`` is the account's.

        Wrong tries count with wrong sign-ins (``AccountService.throttle``), so
        a stolen session cannot guess the password faster than a sign-in
        form could; while they are paused, ``RateLimited`` says for how long.
        The try that starts a pause is recorded and noticed as a lockout.
        """
        throttle = self.accounts.throttle
        attempt = throttle.attempt(str(account.id), client.address if client else "")
        await throttle.admit(attempt)

        if not await password_matches(self.accounts, account, password):
            if await throttle.failed(attempt):
                await self.security.record(
                    account,
                    SecurityEventKind.LOCKED_OUT,
                    client=client,
                    detail="Paused after repeated wrong current passwords in a "
                    "password change.",
                    notice="Security notice: someone signed in to your openlocker "
                    "account typed wrong passwords while changing it. Sign-ins are "
                    "paused for a while; if this was not you, reset your password.",
                )
            logger.debug("password change refused: wrong current password")
            raise InvalidCredentials(
                "Your current password is not right; type it again.",
                field="currentPassword",
            )
        await throttle.succeeded(attempt)

    async def start_mobile_change(
        self, account: Account, new_mobile: str, *, client: ClientInfo | None = None
    ) -> tuple[OtpChallenge, OtpChallenge]:
        """Text a code to the current number and one to ``new_mobile``.

        Answers the current number's challenge (its id is what the resident
        sends back) and the new number's. Raises ``InvalidMobile`` for a
        malformed number or the account's own. When ``new_mobile`` already
        has an account, its owner gets a message without a code instead.
        """
        try:
            new_mobile = normalise_mobile(new_mobile)
        except InvalidMobile as error:
            error.field = "newMobile"
            raise
        if new_mobile == account.mobile:
            raise InvalidMobile(
                "This is already your mobile number; enter the new one.",
                field="newMobile",
            )
        minutes = max(1, self.settings.otp_ttl_seconds // 60)

        # The resident's own number first: its limits are checked before the new
        # number (possibly someone else's) is texted anything.
        address = client.address if client else None
        current_challenge = await self.otp.issue(
            MOBILE_CHANGE_CURRENT,
            account.mobile,
            account=account,
            client_address=address,
            text="{code} is your openlocker code to move your account to the "
            f"number {mask_mobile(new_mobile)}. It is valid for {minutes} "
            "minutes. If you did not ask for this, change your password.",
        )
        try:
            new_challenge = await self._text_new_mobile(
                account, new_mobile, minutes, address
            )
        except RateLimited:
            await OtpChallenge.filter(id=current_challenge.id).update(
                expires_at=self.clock.now()
            )
            raise
        current_challenge.payload = {_NEW_CHALLENGE: str(new_challenge.id)}
        await current_challenge.save(update_fields=["payload"])
        logger.info("mobile change started", extra={"account_id": str(account.id)})

        return current_challenge, new_challenge

    async def _text_new_mobile(
        self, account: Account, new_mobile: str, minutes: int, address: str | None
    ) -> OtpChallenge:
        if await Account.exists(mobile=new_mobile):
            return await self.otp.issue_decoy(
                MOBILE_CHANGE_NEW,
                new_mobile,
                client_address=address,
                text="Someone asked to move an openlocker account to this number, "
                "but this number already has an account, so it cannot be used. "
                "Nothing has changed.",
            )
        return await self.otp.issue(
            MOBILE_CHANGE_NEW,
            new_mobile,
            account=account,
            client_address=address,
            text="{code} is your openlocker code to make this your account's "
            f"mobile number. It is valid for {minutes} minutes. Do not share "
            "it with anyone.",
        )

    async def confirm_mobile_change(
        self,
        account: Account,
        challenge_id: uuid.UUID | str,
        current_mobile_code: str,
        new_mobile_code: str,
        *,
        current_session: uuid.UUID,
        client: ClientInfo | None = None,
    ) -> int:
        """Move the account to the new number once both codes are right.

        Signs out every other session and answers how many. Raises the OTP
        errors of either code, with ``field`` (``currentMobileOtp`` or
        ``newMobileOtp``) saying which; ``OtpChallengeNotFound`` for a change
        this account did not start (or started before its number changed);
        ``MobileAlreadyRegistered`` if the new number got an account meanwhile.
        A code proven in an earlier try stays proven (see ``proven_challenge``):
        after a typo in one code, only that one has to be right next time.
        """
        pending = await OtpChallenge.get_or_none(
            id=_challenge_uuid(challenge_id),
            purpose=MOBILE_CHANGE_CURRENT,
            account_id=account.id,
        )
        if pending is None or pending.mobile != account.mobile:
            raise _no_such_request()

        current = await proven_challenge(
            self.otp,
            pending.id,
            current_mobile_code,
            purpose=MOBILE_CHANGE_CURRENT,
            field="currentMobileOtp",
        )
        new = await self._proven_new_number(current, new_mobile_code)
        old_mobile, new_mobile = account.mobile, new.mobile

        try:
            async with in_transaction() as connection:
                await self.otp.consume(current, using_db=connection)
                await self.otp.consume(new, using_db=connection)
                moved = (
                    await Account.filter(id=account.id, mobile=old_mobile)
                    .using_db(connection)
                    .update(mobile=new_mobile)
                )
                if not moved:
                    raise _no_such_request()
                ended = await end_sessions(
                    account,
                    reason=ENDED_BY_MOBILE_CHANGE,
                    now=self.clock.now(),
                    keep=current_session,
                    using_db=connection,
                )
        except IntegrityError as error:
            # The unique index: the new number signed up between the start and
            # now. Its owner has just proved they hold it, so saying so is safe.
            raise MobileAlreadyRegistered(
                "This number now has an account of its own; it cannot be moved to.",
                field="newMobile",
            ) from error
        account.mobile = new_mobile

        await self._notify_mobile_change(account, old_mobile, client)

        return ended

    async def _proven_new_number(
        self, current: OtpChallenge, code: str
    ) -> OtpChallenge:
        """The new number's challenge, verified with ``code``."""
        new_id = current.payload.get(_NEW_CHALLENGE)
        if not isinstance(new_id, str):
            raise _no_such_request()
        new = await proven_challenge(
            self.otp, new_id, code, purpose=MOBILE_CHANGE_NEW, field="newMobileOtp"
        )
        # A decoy never verifies, so a verified challenge is always a real one;
        # it must still be this account's, not one copied from elsewhere.
        if new.account_id != current.account_id:  # type: ignore[attr-defined]
            raise _no_such_request()

        return new

    async def _notify_mobile_change(
        self, account: Account, old_mobile: str, client: ClientInfo | None
    ) -> None:
        await self.security.record(
            account,
            SecurityEventKind.MOBILE_CHANGED,
            client=client,
            detail=f"Mobile number changed from {mask_mobile(old_mobile)} "
            f"to {mask_mobile(account.mobile)}.",
            notice="This is now the mobile number of your openlocker account.",
        )
        await self.sms.send(
            old_mobile,
            "Your openlocker account was moved to the number "
            f"{mask_mobile(account.mobile)}; this number no longer signs in to "
            "it. If this was not you, contact openlocker support.",
        )
        logger.info("mobile changed", extra={"account_id": str(account.id)})
