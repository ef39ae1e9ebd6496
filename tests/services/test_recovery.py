"""Forgot username and forgot password, and that neither tells who has an account."""

from __future__ import annotations

import pytest

from config.settings import Settings
from models import Account, OtpChallenge, SecurityEvent, Session
from services.accounts import AccountService
from services.clock import FrozenClock
from services.errors import (
    InvalidCredentials,
    InvalidMobile,
    NotAuthenticated,
    OtpAlreadyUsed,
    OtpAttemptsExceeded,
    OtpChallengeNotFound,
    OtpExpired,
    OtpInvalid,
    RateLimited,
    WeakPassword,
)
from services.otp import OtpService
from services.recovery import RecoveryService
from services.security_events import ClientInfo, SecurityEventKind
from services.sms import MemorySmsSender

from .helpers import PASSWORD, SignUp

MOBILE = "9810012345"
UNKNOWN_MOBILE = "9822098220"
NEW_PASSWORD = "tamarind-rickshaw-velvet-8"
BROWSER = {"client_address": "203.0.113.7", "user_agent": "Firefox/140.0"}
CLIENT = ClientInfo(address="198.51.100.4", user_agent="Mobile Safari/18")


def wrong(code: str) -> str:
    """A code that is certainly not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def recovery(
    settings: Settings,
    accounts: AccountService,
    otp_service: OtpService,
    clock: FrozenClock,
) -> RecoveryService:
    return RecoveryService(settings, accounts, otp_service, accounts.security, clock)


async def test_forgot_username_shows_the_username_after_the_code(
    recovery: RecoveryService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    account = await sign_up(mobile=MOBILE, username="aarav")

    challenge = await recovery.start_username_recovery("+91 98100 12345")
    username = await recovery.confirm_username_recovery(
        challenge.id, sms.last_otp(MOBILE), client=CLIENT
    )

    assert username == "aarav"
    event = await SecurityEvent.get(
        account_id=account.id, kind=SecurityEventKind.USERNAME_RECOVERED.value
    )
    assert (event.client_address, event.user_agent) == (
        "198.51.100.4",
        "Mobile Safari/18",
    )


async def test_username_recovery_code_works_once(
    recovery: RecoveryService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    challenge = await recovery.start_username_recovery(MOBILE)
    code = sms.last_otp(MOBILE)
    await recovery.confirm_username_recovery(challenge.id, code)

    with pytest.raises(OtpAlreadyUsed):
        await recovery.confirm_username_recovery(challenge.id, code)


async def test_username_recovery_refuses_a_malformed_mobile(
    recovery: RecoveryService,
) -> None:
    with pytest.raises(InvalidMobile):
        await recovery.start_username_recovery("12345")


async def test_username_recovery_of_an_unknown_mobile_looks_like_a_known_one(
    recovery: RecoveryService,
    sign_up: SignUp,
    sms: MemorySmsSender,
    settings: Settings,
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    sent_before = len(sms.messages)

    known = await recovery.start_username_recovery(MOBILE)
    code = sms.last_otp(MOBILE)
    unknown = await recovery.start_username_recovery(UNKNOWN_MOBILE)

    assert len(sms.messages) == sent_before + 1, "the unknown number is not texted"
    assert unknown.expires_at - unknown.created_at == known.expires_at - (
        known.created_at
    )
    for _ in range(settings.otp_max_attempts - 1):
        with pytest.raises(OtpInvalid) as on_known:
            await recovery.confirm_username_recovery(known.id, wrong(code))
        with pytest.raises(OtpInvalid) as on_unknown:
            await recovery.confirm_username_recovery(unknown.id, code)
        assert on_known.value.message == on_unknown.value.message
    with pytest.raises(OtpAttemptsExceeded):
        await recovery.confirm_username_recovery(known.id, wrong(code))
    with pytest.raises(OtpAttemptsExceeded):
        await recovery.confirm_username_recovery(unknown.id, code)


async def test_recovery_of_an_unknown_mobile_is_limited_like_a_known_one(
    recovery: RecoveryService, sign_up: SignUp
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    await recovery.start_username_recovery(MOBILE)
    await recovery.start_username_recovery(UNKNOWN_MOBILE)

    with pytest.raises(RateLimited) as on_known:
        await recovery.start_username_recovery(MOBILE)
    with pytest.raises(RateLimited) as on_unknown:
        await recovery.start_username_recovery(UNKNOWN_MOBILE)

    assert on_known.value.message == on_unknown.value.message
    assert on_known.value.retry_after_seconds == on_unknown.value.retry_after_seconds


async def test_an_older_recovery_code_is_void_alike_for_known_and_unknown(
    recovery: RecoveryService,
    sign_up: SignUp,
    sms: MemorySmsSender,
    clock: FrozenClock,
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    first_known = await recovery.start_username_recovery(MOBILE)
    first_code = sms.last_otp(MOBILE)
    first_unknown = await recovery.start_username_recovery(UNKNOWN_MOBILE)

    clock.advance(31)
    await recovery.start_username_recovery(MOBILE)
    await recovery.start_username_recovery(UNKNOWN_MOBILE)

    with pytest.raises(OtpExpired):
        await recovery.confirm_username_recovery(first_known.id, first_code)
    with pytest.raises(OtpExpired):
        await recovery.confirm_username_recovery(first_unknown.id, first_code)


async def test_password_reset_sets_the_password_and_ends_every_session(
    recovery: RecoveryService,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    account = await sign_up(mobile=MOBILE, username="aarav")
    _, laptop = await accounts.log_in("aarav", PASSWORD, **BROWSER)
    _, phone = await accounts.log_in(MOBILE, PASSWORD, **BROWSER)

    challenge = await recovery.start_password_reset("Aarav", client=CLIENT)
    ended = await recovery.complete_password_reset(
        challenge.id, sms.last_otp(MOBILE), NEW_PASSWORD, client=CLIENT
    )

    assert ended == 2
    for token in (laptop, phone):
        with pytest.raises(NotAuthenticated):
            await accounts.authenticate(token)
    assert await Session.filter(account_id=account.id, ended_at=None).count() == 0
    ended_sessions = await Session.filter(account_id=account.id)
    assert {session.end_reason for session in ended_sessions} == {"password_reset"}
    with pytest.raises(InvalidCredentials):
        await accounts.log_in("aarav", PASSWORD, **BROWSER)
    await accounts.log_in("aarav", NEW_PASSWORD, **BROWSER)
    assert "password was reset" in sms.last_to(MOBILE)
    assert await SecurityEvent.exists(
        account_id=account.id, kind=SecurityEventKind.PASSWORD_RESET.value
    )


async def test_password_reset_by_mobile_number(
    recovery: RecoveryService,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")

    challenge = await recovery.start_password_reset("098100-12345")
    await recovery.complete_password_reset(
        challenge.id, sms.last_otp(MOBILE), NEW_PASSWORD
    )

    await accounts.log_in("aarav", NEW_PASSWORD, **BROWSER)


@pytest.mark.parametrize("identifier", ["nobody.here", UNKNOWN_MOBILE, "x", ""])
async def test_password_reset_of_an_unknown_account_looks_like_a_known_one(
    recovery: RecoveryService,
    sign_up: SignUp,
    sms: MemorySmsSender,
    identifier: str,
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    sent_before = len(sms.messages)

    known = await recovery.start_password_reset("aarav")
    code = sms.last_otp(MOBILE)
    unknown = await recovery.start_password_reset(identifier)

    assert len(sms.messages) == sent_before + 1
    assert unknown.expires_at == known.expires_at
    with pytest.raises(OtpInvalid) as on_known:
        await recovery.complete_password_reset(known.id, wrong(code), NEW_PASSWORD)
    with pytest.raises(OtpInvalid) as on_unknown:
        await recovery.complete_password_reset(unknown.id, code, NEW_PASSWORD)
    assert on_known.value.message == on_unknown.value.message


async def test_password_reset_of_an_unknown_username_is_limited_like_a_known_one(
    recovery: RecoveryService, sign_up: SignUp
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    await recovery.start_password_reset("aarav")
    await recovery.start_password_reset("nobody.here")

    with pytest.raises(RateLimited):
        await recovery.start_password_reset("aarav")
    with pytest.raises(RateLimited):
        await recovery.start_password_reset("Nobody.Here")


async def test_an_unknown_mobile_written_two_ways_is_limited_like_a_known_one(
    recovery: RecoveryService, sign_up: SignUp
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    await recovery.start_password_reset(MOBILE)
    await recovery.start_password_reset(UNKNOWN_MOBILE)

    with pytest.raises(RateLimited):
        await recovery.start_password_reset("+91 98100 12345")
    with pytest.raises(RateLimited):
        await recovery.start_password_reset("+91 98220 98220")


async def test_password_reset_with_a_wrong_code_changes_nothing(
    recovery: RecoveryService,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    _, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)
    challenge = await recovery.start_password_reset("aarav")

    with pytest.raises(OtpInvalid):
        await recovery.complete_password_reset(
            challenge.id, wrong(sms.last_otp(MOBILE)), NEW_PASSWORD
        )

    await accounts.authenticate(token)
    await accounts.log_in("aarav", PASSWORD, **BROWSER)


async def test_weak_new_password_is_refused_before_the_code_is_spent(
    recovery: RecoveryService,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    challenge = await recovery.start_password_reset("aarav")
    code = sms.last_otp(MOBILE)

    with pytest.raises(WeakPassword) as refused:
        await recovery.complete_password_reset(challenge.id, code, "password1")
    await recovery.complete_password_reset(challenge.id, code, NEW_PASSWORD)

    assert refused.value.field == "newPassword"
    assert (await OtpChallenge.get(id=challenge.id)).consumed_at is not None
    await accounts.log_in("aarav", NEW_PASSWORD, **BROWSER)


async def test_new_password_with_the_username_is_refused_and_the_code_stays_good(
    recovery: RecoveryService,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    challenge = await recovery.start_password_reset("aarav")
    code = sms.last_otp(MOBILE)

    with pytest.raises(WeakPassword, match="username"):
        await recovery.complete_password_reset(
            challenge.id, code, "aarav-tamarind-rickshaw"
        )
    await recovery.complete_password_reset(challenge.id, code, NEW_PASSWORD)

    await accounts.log_in("aarav", NEW_PASSWORD, **BROWSER)


async def test_a_reset_code_is_void_once_the_account_moved_to_another_number(
    recovery: RecoveryService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    account = await sign_up(mobile=MOBILE, username="aarav")
    challenge = await recovery.start_password_reset("aarav")
    code = sms.last_otp(MOBILE)

    await Account.filter(id=account.id).update(mobile=UNKNOWN_MOBILE)

    with pytest.raises(OtpChallengeNotFound):
        await recovery.complete_password_reset(challenge.id, code, NEW_PASSWORD)


async def test_password_reset_lifts_a_sign_in_pause(
    recovery: RecoveryService,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
    settings: Settings,
) -> None:
    await sign_up(mobile=MOBILE, username="aarav")
    for _ in range(settings.login_failures_per_account):
        with pytest.raises(InvalidCredentials):
            await accounts.log_in("aarav", "not-the-password-1", **BROWSER)
    with pytest.raises(RateLimited):
        await accounts.log_in("aarav", PASSWORD, **BROWSER)

    challenge = await recovery.start_password_reset("aarav")
    await recovery.complete_password_reset(
        challenge.id, sms.last_otp(MOBILE), NEW_PASSWORD
    )

    await accounts.log_in("aarav", NEW_PASSWORD, **BROWSER)
