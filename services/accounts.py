"""Residents' accounts: sign-up by mobile OTP, passwords, sessions.

Sign-up is three steps: ``start_sign_up`` texts a code to the mobile,
``verify_sign_up`` checks it, ``complete_sign_up`` chooses a username and
password and spends the code. ``log_in`` answers a bearer token that
``authenticate`` turns back into the account until ``log_out``, the idle limit
or the session's lifetime ends it. Passwords are kept as argon2id hashes,
tokens as SHA-256 hashes.

Repeated wrong passwords pause sign-ins for the account and for the client
address (``LoginThrottle``); sign-ups, sign-ins, failures and pauses go to the
resident's security log.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from datetime import timedelta
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from config.settings import Settings
from models import Account, Session
from services.clock import Clock
from services.crypto import hash_token, new_token
from services.errors import (
    InvalidCredentials,
    InvalidMobile,
    InvalidUsername,
    MobileAlreadyRegistered,
    NotAuthenticated,
    SessionExpired,
    UsernameTaken,
)
from services.otp import OtpService
from services.passwords import PasswordPolicy
from services.ratelimit import LoginAttempt, LoginThrottle, RateLimiter
from services.security_events import ClientInfo, SecurityEventKind, SecurityLog

logger = logging.getLogger(__name__)

SIGN_UP = "sign_up"
# Sessions seen again within this many seconds are not written to again: a
# burst of requests costs one UPDATE, and the idle limit moves by at most this.
SESSION_TOUCH_SECONDS = 5
SESSION_EXPIRED = "expired"
SESSION_LOGGED_OUT = "logout"

_USERNAME = re.compile(r"[a-z][a-z0-9._]{2,31}")
_MOBILE = re.compile(r"[6-9][0-9]{9}")
_MOBILE_SEPARATORS = re.compile(r"[ \t-]")


def normalise_mobile(raw: str) -> str:
    """The 10-digit national form of an Indian mobile number.

    Accepts ``+91``, ``91`` and ``0`` prefixes, spaces and hyphens
    (``+91 98100 12345``, ``098100-12345``); raises ``InvalidMobile`` for
    anything else, including numbers that do not start with 6 to 9.
    """
    number = _MOBILE_SEPARATORS.sub("", raw.strip())
    if number.startswith("+91"):
        number = number[3:]
    elif len(number) == 12 and number.startswith("91"):
        number = number[2:]
    elif len(number) == 11 and number.startswith("0"):
        number = number[1:]

    if not _MOBILE.fullmatch(number):
        raise InvalidMobile(
            "Enter a 10-digit Indian mobile number, such as 98100 12345.",
            field="mobile",
        )

    return number


class AccountService:
    """Signs residents up, in and out, and recognises their sessions.

    ``password_hasher`` defaults to argon2id with argon2-cffi's current
    parameters; a stored hash made with other parameters is rehashed at the
    next successful log-in. ``limiter`` (default: the OTP service's) counts
    failed sign-ins.
    """

    def __init__(
        self,
        settings: Settings,
        otp: OtpService,
        clock: Clock,
        *,
        security: SecurityLog,
        password_hasher: PasswordHasher | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.settings = settings
        self.otp = otp
        self.clock = clock
        self.security = security
        self.throttle = LoginThrottle(limiter or otp.limiter, settings)
        self.passwords = PasswordPolicy(settings.password_min_score)
        self._hasher = password_hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    @staticmethod
    def normalise_mobile(raw: str) -> str:
        """See the module-level ``normalise_mobile``."""
        return normalise_mobile(raw)

    async def start_sign_up(
        self, mobile: str, *, client_address: str | None = None
    ) -> uuid.UUID:
        """Text a sign-up code to ``mobile`` and answer the challenge id.

        A mobile that already has an account gets a message saying so instead
        of a code, and its challenge refuses every code like a wrong one: the
        caller learns nothing about who is registered. The OTP sending limits
        (``RateLimited``) count and refuse alike either way.
        """
        mobile = normalise_mobile(mobile)
        minutes = max(1, self.settings.otp_ttl_seconds // 60)

        if await Account.exists(mobile=mobile):
            challenge = await self.otp.issue_decoy(
                SIGN_UP,
                mobile,
                text="Someone asked to sign up to openlocker with this number, "
                "but you already have an account. Sign in with your username "
                "or mobile number instead.",
                client_address=client_address,
            )
        else:
            challenge = await self.otp.issue(
                SIGN_UP,
                mobile,
                text="{code} is your openlocker sign-up code. It is valid for "
                f"{minutes} minutes. Do not share it with anyone.",
                client_address=client_address,
            )

        return challenge.id

    async def verify_sign_up(self, challenge_id: uuid.UUID | str, code: str) -> None:
        """Check the sign-up code; errors as ``OtpService.verify``."""
        await self.otp.verify(challenge_id, code, purpose=SIGN_UP)

    async def complete_sign_up(
        self,
        challenge_id: uuid.UUID | str,
        username: str,
        password: str,
        *,
        client: ClientInfo | None = None,
    ) -> Account:
        """Create the account for the mobile the verified challenge proved.

        Raises the OTP errors of ``OtpService.verified_challenge`` and
        ``consume``, ``InvalidUsername``, ``UsernameTaken``, ``WeakPassword``
        and ``MobileAlreadyRegistered``. The challenge is spent in the same
        transaction that creates the account; the sign-up is recorded in the
        new account's security log with ``client``.
        """
        challenge = await self.otp.verified_challenge(challenge_id, purpose=SIGN_UP)
        username = _valid_username(username)
        self.passwords.check(password, username=username, mobile=challenge.mobile)

        if await Account.exists(username=username):
            raise _username_taken()
        if await Account.exists(mobile=challenge.mobile):
            raise _mobile_taken()
        password_hash = await asyncio.to_thread(self._hasher.hash, password)

        try:
            async with in_transaction() as connection:
                await self.otp.consume(challenge, using_db=connection)
                account = await Account.create(
                    username=username,
                    mobile=challenge.mobile,
                    password_hash=password_hash,
                    using_db=connection,
                )
        except IntegrityError as error:
            # Someone else took the username or the mobile between the checks
            # above and the insert; the unique indexes are the last word.
            if await Account.exists(username=username):
                raise _username_taken() from error
            raise _mobile_taken() from error

        logger.info("account created", extra={"account_id": str(account.id)})
        await self.security.record(account, SecurityEventKind.SIGNED_UP, client=client)

        return account

    async def log_in(
        self,
        identifier: str,
        password: str,
        *,
        client_address: str,
        user_agent: str,
    ) -> tuple[Session, str]:
        """Start a session for a username or mobile and its password.

        Answers the session and its bearer token, which is shown only this
        once. An unknown account and a wrong password raise the same
        ``InvalidCredentials`` after the same work (an argon2 verify), and
        count alike towards the pause after repeated failures: while the
        account or ``client_address`` is paused, ``RateLimited`` says for how
        long, before any password is checked.
        """
        client = ClientInfo(address=client_address, user_agent=user_agent)
        account = await _find_account(identifier)
        attempt = self.throttle.attempt(
            str(account.id) if account else _identifier_subject(identifier),
            client_address,
        )
        await self.throttle.admit(attempt)
        stored_hash = account.password_hash if account else await self._dummy()

        password_ok = await asyncio.to_thread(self._verify, stored_hash, password)
        if account is None or not password_ok:
            await self._log_in_failed(account, attempt, client)

        await self.throttle.succeeded(attempt)
        if self._hasher.check_needs_rehash(account.password_hash):
            await self._rehash(account, password)
        session, token = await self._start_session(
            account, client_address=client_address, user_agent=user_agent
        )
        await self.security.record(account, SecurityEventKind.LOGGED_IN, client=client)

        return session, token

    async def authenticate(self, token: str) -> tuple[Account, Session]:
        """The account and session a bearer token stands for.

        Raises ``NotAuthenticated`` for a token that never was or was logged
        out, and ``SessionExpired`` (ending the session, and again on every
        later use) when it was idle for longer than ``session_idle_seconds`` or
        outlived ``session_max_seconds``.
        """
        session = (
            await Session.filter(token_hash=hash_token(token))
            .select_related("account")
            .first()
        )
        if session is None:
            raise NotAuthenticated("Sign in to continue.")
        if session.ended_at is not None:
            if session.end_reason == SESSION_EXPIRED:
                raise _session_expired()
            raise NotAuthenticated("Sign in to continue.")

        now = self.clock.now()
        idle_limit = timedelta(seconds=self.settings.session_idle_seconds)
        if now - session.last_seen_at > idle_limit or now >= session.expires_at:
            await Session.filter(id=session.id, ended_at__isnull=True).update(
                ended_at=now, end_reason=SESSION_EXPIRED
            )
            logger.info("session expired", extra={"session_id": str(session.id)})
            raise _session_expired()

        touched = await Session.filter(
            id=session.id,
            ended_at__isnull=True,
            last_seen_at__lte=now - timedelta(seconds=SESSION_TOUCH_SECONDS),
        ).update(last_seen_at=now)
        if touched:
            session.last_seen_at = now

        return session.account, session

    async def log_out(self, token: str) -> None:
        """End the token's session; logging out twice is harmless."""
        ended = await Session.filter(
            token_hash=hash_token(token), ended_at__isnull=True
        ).update(ended_at=self.clock.now(), end_reason=SESSION_LOGGED_OUT)
        if ended:
            logger.info("session ended by log-out")

    async def _log_in_failed(
        self, account: Account | None, attempt: LoginAttempt, client: ClientInfo
    ) -> NoReturn:
        """Count the failure, tell the account's owner, and refuse the sign-in."""
        paused = await self.throttle.failed(attempt)
        logger.debug("log-in refused")
        if account is not None:
            await self.security.record(
                account, SecurityEventKind.LOGIN_FAILED, client=client
            )
        if account is not None and paused:
            minutes = max(1, self.settings.login_lockout_seconds // 60)
            await self.security.record(
                account,
                SecurityEventKind.LOCKED_OUT,
                client=client,
                notice="Security notice: sign-ins to your openlocker account were "
                f"paused for {minutes} minutes after repeated wrong passwords. If "
                "this was not you, reset your password.",
            )
            logger.info(
                "sign-ins paused after repeated failures",
                extra={"account_id": str(account.id)},
            )

        raise InvalidCredentials(
            "The username or mobile number and password do not match; "
            "check them and try again.",
        )

    async def _start_session(
        self, account: Account, *, client_address: str, user_agent: str
    ) -> tuple[Session, str]:
        token = new_token()
        now = self.clock.now()

        session = await Session.create(
            account=account,
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=self.settings.session_max_seconds),
            client_address=client_address[:64],
            user_agent=user_agent[:256],
        )
        logger.info(
            "session started",
            extra={"account_id": str(account.id), "session_id": str(session.id)},
        )

        return session, token

    async def _rehash(self, account: Account, password: str) -> None:
        """Store the password under the current argon2 parameters."""
        new_hash = await asyncio.to_thread(self._hasher.hash, password)

        # Conditional, so a password changed meanwhile is not overwritten.
        await Account.filter(id=account.id, password_hash=account.password_hash).update(
            password_hash=new_hash
        )
        account.password_hash = new_hash

    async def _dummy(self) -> str:
        """A hash of no one's password, verified against for unknown accounts."""
        if self._dummy_hash is None:
            self._dummy_hash = await asyncio.to_thread(
                self._hasher.hash, uuid.uuid4().hex
            )

        return self._dummy_hash

    def _verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def hash_password(self, password: str) -> str:
        """``password`` as argon2id, in a worker thread; for every new password."""
        return await asyncio.to_thread(self._hasher.hash, password)

    async def password_matches(self, account: Account, password: str) -> bool:
        """Whether ``password`` is the account's, checked in a worker thread."""
        return await asyncio.to_thread(self._verify, account.password_hash, password)


def _identifier_subject(identifier: str) -> str:
    """What failed sign-ins to an identifier no account has are counted under:
    the same for every way of writing it, as for a real account."""
    try:
        return "mobile:" + normalise_mobile(identifier)
    except InvalidMobile:
        return "username:" + identifier.strip().lower()


async def _find_account(identifier: str) -> Account | None:
    """The account a username or a mobile number (in any accepted form) names."""
    try:
        mobile = normalise_mobile(identifier)
    except InvalidMobile:
        username = identifier.strip().lower()
        if not _USERNAME.fullmatch(username):
            return None
        return await Account.get_or_none(username=username)

    return await Account.get_or_none(mobile=mobile)


def _valid_username(raw: str) -> str:
    username = raw.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise InvalidUsername(
            "A username has 3 to 32 characters: a letter first, then letters, "
            "digits, dots or underscores.",
            field="username",
        )

    return username


def _username_taken() -> UsernameTaken:
    return UsernameTaken("That username is taken; choose another.", field="username")


def _mobile_taken() -> MobileAlreadyRegistered:
    return MobileAlreadyRegistered(
        "This mobile number already has an account; sign in instead.",
        field="mobile",
    )


def _session_expired() -> SessionExpired:
    return SessionExpired("Your session has ended; sign in again.")
