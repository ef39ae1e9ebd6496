"""Changing the password and the mobile number while signed in."""

from __future__ import annotations

import pytest

from config.settings import Settings
from models import Account, OtpChallenge, SecurityEvent, Session
from services.account_changes import AccountChanges
from services.accounts import AccountService
from services.clock import FrozenClock
from services.errors import (
    InvalidCredentials,
    InvalidMobile,
    NotAuthenticated,
    OtpChallengeNotFound,
    OtpInvalid,
    RateLimited,
    WeakPassword,
)
from services.otp import OtpService
from services.security_events import ClientInfo, SecurityEventKind
from services.sms import MemorySmsSender

from .helpers import PASSWORD, SignUp

MOBILE = "9810012345"
NEW_MOBILE = "9822034567"
NEW_PASSWORD = "tamarind-rickshaw-velvet-8"
BROWSER = {"client_address": "203.0.113.7", "user_agent": "Firefox/140.0"}
CLIENT = ClientInfo(address="203.0.113.7", user_agent="Firefox/140.0")


def wrong(code: str) -> str:
    """A code that is certainly not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def changes(
    settings: Settings,
    accounts: AccountService,
    otp_service: OtpService,
    sms: MemorySmsSender,
    clock: FrozenClock,
) -> AccountChanges:
    return AccountChanges(
        settings, accounts, otp_service, accounts.security, sms, clock
    )


async def signed_in_twice(
    accounts: AccountService, sign_up: SignUp
) -> tuple[Account, Session, str]:
    """An account signed in twice: the account, this session, the other's token."""
    account = await sign_up(mobile=MOBILE, username="aarav")
    this_session, _ = await accounts.log_in("aarav", PASSWORD, **BROWSER)
    _, other_token = await accounts.log_in("aarav", PASSWORD, **BROWSER)

    return account, this_session, other_token


async def test_change_password_keeps_this_session_and_ends_the_others(
    changes: AccountChanges,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    account, this_session, other_token = await signed_in_twice(accounts, sign_up)

    ended = await changes.change_password(
        account, PASSWORD, NEW_PASSWORD, current_session=this_session.id, client=CLIENT
    )

    assert ended == 1
    with pytest.raises(NotAuthenticated):
        await accounts.authenticate(other_token)
    assert (await Session.get(id=this_session.id)).ended_at is None
    await accounts.log_in("aarav", NEW_PASSWORD, **BROWSER)
    assert "password was changed" in sms.last_to(MOBILE)
    event = await SecurityEvent.get(
        account_id=account.id, kind=SecurityEventKind.PASSWORD_CHANGED.value
    )
    assert event.detail == "Password changed; 1 other session signed out."


async def test_change_password_with_a_wrong_current_one_is_refused(
    changes: AccountChanges, accounts: AccountService, sign_up: SignUp
) -> None:
    account, this_session, other_token = await signed_in_twice(accounts, sign_up)

    with pytest.raises(InvalidCredentials) as refused:
        await changes.change_password(
            account,
            "not-my-password-1",
            NEW_PASSWORD,
            current_session=this_session.id,
        )

    assert refused.value.field == "currentPassword"
    await accounts.authenticate(other_token)
    await accounts.log_in("aarav", PASSWORD, **BROWSER)


async def test_wrong_current_passwords_pause_like_wrong_sign_ins(
    changes: AccountChanges,
    accounts: AccountService,
    sign_up: SignUp,
    settings: Settings,
    sms: MemorySmsSender,
) -> None:
    account, this_session, _ = await signed_in_twice(accounts, sign_up)
    for _ in range(settings.login_failures_per_account):
        with pytest.raises(InvalidCredentials):
            await changes.change_password(
                account,
                "not-my-password-1",
                NEW_PASSWORD,
                current_session=this_session.id,
                client=CLIENT,
            )

    with pytest.raises(RateLimited):
        await changes.change_password(
            account,
            PASSWORD,
            NEW_PASSWORD,
            current_session=this_session.id,
            client=CLIENT,
        )

    assert await SecurityEvent.exists(
        account_id=account.id, kind=SecurityEventKind.LOCKED_OUT.value
    )
    assert "Sign-ins are paused" in sms.last_to(MOBILE)


async def test_change_password_refuses_a_weak_new_one_with_the_reason(
    changes: AccountChanges, accounts: AccountService, sign_up: SignUp
) -> None:
    account, this_session, _ = await signed_in_twice(accounts, sign_up)

    with pytest.raises(WeakPassword) as refused:
        await changes.change_password(
            account, PASSWORD, "aarav12345", current_session=this_session.id
        )

    assert refused.value.field == "newPassword"
    assert "username" in refused.value.message
    await accounts.log_in("aarav", PASSWORD, **BROWSER)


async def test_mobile_change_texts_both_numbers_and_needs_both_codes(
    changes: AccountChanges,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    account, this_session, other_token = await signed_in_twice(accounts, sign_up)

    current, _ = await changes.start_mobile_change(account, "+91 98220 34567")
    old_code, new_code = sms.last_otp(MOBILE), sms.last_otp(NEW_MOBILE)
    with pytest.raises(OtpInvalid) as wrong_old:
        await changes.confirm_mobile_change(
            account,
            current.id,
            wrong(old_code),
            new_code,
            current_session=this_session.id,
        )
    with pytest.raises(OtpInvalid) as wrong_new:
        await changes.confirm_mobile_change(
            account,
            current.id,
            old_code,
            wrong(new_code),
            current_session=this_session.id,
        )
    ended = await changes.confirm_mobile_change(
        account,
        current.id,
        old_code,
        new_code,
        current_session=this_session.id,
        client=CLIENT,
    )

    assert wrong_new.value.field == "newMobileOtp"
    assert wrong_old.value.field == "currentMobileOtp"
    assert ended == 1
    assert (await Account.get(id=account.id)).mobile == NEW_MOBILE
    with pytest.raises(NotAuthenticated):
        await accounts.authenticate(other_token)
    await accounts.authenticate(
        (await accounts.log_in(NEW_MOBILE, PASSWORD, **BROWSER))[1]
    )


async def test_mobile_change_is_recorded_and_noticed_on_both_numbers(
    changes: AccountChanges,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    account, this_session, _ = await signed_in_twice(accounts, sign_up)
    current, _ = await changes.start_mobile_change(account, NEW_MOBILE)

    await changes.confirm_mobile_change(
        account,
        current.id,
        sms.last_otp(MOBILE),
        sms.last_otp(NEW_MOBILE),
        current_session=this_session.id,
    )

    assert "moved to the number XXXXXX4567" in sms.last_to(MOBILE)
    assert "now the mobile number" in sms.last_to(NEW_MOBILE)
    event = await SecurityEvent.get(
        account_id=account.id, kind=SecurityEventKind.MOBILE_CHANGED.value
    )
    assert event.detail == "Mobile number changed from XXXXXX2345 to XXXXXX4567."


async def test_mobile_change_to_a_registered_number_fails_like_a_wrong_code(
    changes: AccountChanges,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
    clock: FrozenClock,
) -> None:
    account, this_session, _ = await signed_in_twice(accounts, sign_up)
    await sign_up(mobile=NEW_MOBILE, username="rohan")
    free_mobile = "9415045678"

    taken, _ = await changes.start_mobile_change(account, NEW_MOBILE)
    taken_old_code = sms.last_otp(MOBILE)
    message_to_taken = sms.last_to(NEW_MOBILE)
    with pytest.raises(OtpInvalid) as on_taken:
        await changes.confirm_mobile_change(
            account,
            taken.id,
            taken_old_code,
            "123456",
            current_session=this_session.id,
        )
    clock.advance(31)
    free, _ = await changes.start_mobile_change(account, free_mobile)
    with pytest.raises(OtpInvalid) as on_free:
        await changes.confirm_mobile_change(
            account,
            free.id,
            sms.last_otp(MOBILE),
            wrong(sms.last_otp(free_mobile)),
            current_session=this_session.id,
        )

    assert "already has an account" in message_to_taken
    with pytest.raises(LookupError):
        sms.last_otp(NEW_MOBILE)
    assert on_taken.value.message == on_free.value.message
    assert on_taken.value.field == on_free.value.field == "newMobileOtp"
    assert (await Account.get(id=account.id)).mobile == MOBILE


async def test_a_code_proven_in_an_earlier_try_stays_proven(
    changes: AccountChanges,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    account, this_session, _ = await signed_in_twice(accounts, sign_up)
    current, _ = await changes.start_mobile_change(account, NEW_MOBILE)
    old_code, new_code = sms.last_otp(MOBILE), sms.last_otp(NEW_MOBILE)
    with pytest.raises(OtpInvalid):
        await changes.confirm_mobile_change(
            account,
            current.id,
            old_code,
            wrong(new_code),
            current_session=this_session.id,
        )

    await changes.confirm_mobile_change(
        account, current.id, "", new_code, current_session=this_session.id
    )

    assert (await Account.get(id=account.id)).mobile == NEW_MOBILE


async def test_mobile_change_to_the_same_number_is_refused(
    changes: AccountChanges, accounts: AccountService, sign_up: SignUp
) -> None:
    account, _, _ = await signed_in_twice(accounts, sign_up)

    with pytest.raises(InvalidMobile) as refused:
        await changes.start_mobile_change(account, "098100 12345")

    assert refused.value.field == "newMobile"


async def test_mobile_change_started_by_another_account_is_not_found(
    changes: AccountChanges,
    accounts: AccountService,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    account, _, _ = await signed_in_twice(accounts, sign_up)
    other = await sign_up(mobile="9415045678", username="fatima")
    other_session, _ = await accounts.log_in("fatima", PASSWORD, **BROWSER)
    current, _ = await changes.start_mobile_change(account, NEW_MOBILE)

    with pytest.raises(OtpChallengeNotFound):
        await changes.confirm_mobile_change(
            other,
            current.id,
            sms.last_otp(MOBILE),
            sms.last_otp(NEW_MOBILE),
            current_session=other_session.id,
        )

    assert (await OtpChallenge.get(id=current.id)).attempts == 0


async def test_a_refused_mobile_change_texts_the_new_number_nothing(
    changes: AccountChanges,
    sign_up: SignUp,
    sms: MemorySmsSender,
    clock: FrozenClock,
    settings: Settings,
) -> None:
    account = await sign_up(mobile=MOBILE, username="aarav")
    for _ in range(settings.otp_sends_per_mobile_per_hour - 1):
        clock.advance(settings.otp_resend_seconds)
        await changes.start_mobile_change(account, "9123400000")
    clock.advance(settings.otp_resend_seconds)
    texted_before = len([m for m in sms.messages if m.mobile == "9988776655"])

    with pytest.raises(RateLimited):
        await changes.start_mobile_change(account, "9988776655")

    texted_after = len([m for m in sms.messages if m.mobile == "9988776655"])
    assert texted_after == texted_before == 0
