"""Sign-ins pause after repeated wrong passwords; events go to the security log."""

from __future__ import annotations

import asyncio

import pytest
from argon2 import PasswordHasher

from config.settings import Settings
from models import Account, SecurityEvent
from services.accounts import AccountService
from services.clock import FrozenClock
from services.errors import InvalidCredentials, RateLimited
from services.identity.aadhaar import IdentityService
from services.identity.ekyc import SandboxEkycProvider
from services.otp import OtpService
from services.security_events import ClientInfo, SecurityLog
from services.sms import MemorySmsSender

from .helpers import PASSWORD, SignUp

MOBILE = "9810012345"
BROWSER = {"client_address": "203.0.113.7", "user_agent": "Firefox/140.0"}
ELSEWHERE = {"client_address": "198.51.100.20", "user_agent": "Firefox/140.0"}
WRONG = "not-my-password-1"
PAUSED = "Too many failed sign-ins; try again in 900 seconds."
# Aarav Sharma in the sandbox eKYC fixture, registered with mobile 9810012345.
AARAV_AADHAAR = "726018159082"


async def fail(
    accounts: AccountService,
    identifier: str = "aarav",
    times: int = 1,
    client: dict[str, str] = BROWSER,
) -> None:
    """Sign in with a wrong password ``times`` times, each refused as such."""
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            await accounts.log_in(identifier, WRONG, **client)


async def kinds(account: Account) -> list[str]:
    events = await SecurityEvent.filter(account_id=account.id).order_by("created_at")
    return [event.kind for event in events]


async def test_sign_ins_pause_after_exactly_the_allowed_failures(
    accounts: AccountService, sign_up: SignUp
) -> None:
    await sign_up()
    await fail(accounts, times=5)

    with pytest.raises(RateLimited) as paused:
        await accounts.log_in("aarav", PASSWORD, **BROWSER)

    assert paused.value.code == "RATE_LIMITED"
    assert paused.value.message == PAUSED
    assert paused.value.retry_after_seconds == 900


async def test_the_pause_ends_after_the_lockout_time(
    accounts: AccountService, sign_up: SignUp, clock: FrozenClock
) -> None:
    await sign_up()
    await fail(accounts, times=5)

    clock.advance(899)
    with pytest.raises(RateLimited) as still_paused:
        await accounts.log_in("aarav", PASSWORD, **BROWSER)
    clock.advance(1)
    _, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)

    assert still_paused.value.retry_after_seconds == 1
    assert token


async def test_a_paused_account_is_paused_from_every_address(
    accounts: AccountService, sign_up: SignUp
) -> None:
    await sign_up()
    await fail(accounts, times=5)

    with pytest.raises(RateLimited):
        await accounts.log_in("aarav", PASSWORD, **ELSEWHERE)


async def test_username_and_mobile_count_against_the_same_account(
    accounts: AccountService, sign_up: SignUp
) -> None:
    await sign_up()
    await fail(accounts, "aarav", times=3)
    await fail(accounts, "+91 98100 12345", times=2)

    with pytest.raises(RateLimited):
        await accounts.log_in("AARAV", PASSWORD, **BROWSER)


async def test_a_successful_sign_in_clears_the_failures(
    accounts: AccountService, sign_up: SignUp
) -> None:
    await sign_up()
    await fail(accounts, times=4)
    await accounts.log_in("aarav", PASSWORD, **BROWSER)

    await fail(accounts, times=4)
    _, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)

    assert token


async def test_two_sign_ins_racing_the_last_try_get_only_one(
    accounts: AccountService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    account = await sign_up()
    await fail(accounts, times=4)

    results = await asyncio.gather(
        accounts.log_in("aarav", WRONG, **BROWSER),
        accounts.log_in("aarav", WRONG, **ELSEWHERE),
        return_exceptions=True,
    )

    assert sorted(type(result).__name__ for result in results) == [
        "InvalidCredentials",
        "RateLimited",
    ]
    with pytest.raises(RateLimited):
        await accounts.log_in("aarav", PASSWORD, **BROWSER)
    assert (await kinds(account)).count("login_failed") == 5
    assert (await kinds(account)).count("locked_out") == 1
    assert sum("were paused" in message.text for message in sms.messages) == 1


async def test_an_unknown_user_is_answered_exactly_like_a_wrong_password(
    accounts: AccountService, sign_up: SignUp
) -> None:
    await sign_up()
    answers = {}

    for identifier in ("aarav", "nobody.here"):
        seen = []
        for _ in range(6):
            try:
                await accounts.log_in(identifier, WRONG, **BROWSER)
            except (InvalidCredentials, RateLimited) as refused:
                seen.append(
                    (refused.code, refused.message, refused.retry_after_seconds)
                )
        answers[identifier] = seen

    assert answers["aarav"] == answers["nobody.here"]
    assert answers["aarav"][-1] == ("RATE_LIMITED", PAUSED, 900)


async def test_an_unknown_mobile_is_paused_in_any_of_its_forms(
    accounts: AccountService,
) -> None:
    await fail(accounts, "9840023456", times=3)
    await fail(accounts, "+91 98400 23456", times=2)

    with pytest.raises(RateLimited):
        await accounts.log_in("098400-23456", WRONG, **BROWSER)


async def test_an_address_is_paused_after_its_failures_across_accounts(
    settings: Settings,
    otp_service: OtpService,
    clock: FrozenClock,
    password_hasher: PasswordHasher,
    sign_up: SignUp,
) -> None:
    strict = settings.model_copy(update={"login_failures_per_address": 3})
    accounts = AccountService(
        strict,
        otp_service,
        clock,
        security=SecurityLog(otp_service.sms, clock),
        password_hasher=password_hasher,
    )
    await sign_up(MOBILE, "aarav")
    for identifier in ("priya", "kabir", "meera"):
        await fail(accounts, identifier)

    with pytest.raises(RateLimited) as paused:
        await accounts.log_in("aarav", PASSWORD, **BROWSER)
    _, token = await accounts.log_in("aarav", PASSWORD, **ELSEWHERE)

    assert paused.value.retry_after_seconds == 900
    assert token


async def test_successful_sign_ins_do_not_count_against_the_address(
    settings: Settings,
    otp_service: OtpService,
    clock: FrozenClock,
    password_hasher: PasswordHasher,
    sign_up: SignUp,
) -> None:
    strict = settings.model_copy(update={"login_failures_per_address": 3})
    accounts = AccountService(
        strict,
        otp_service,
        clock,
        security=SecurityLog(otp_service.sms, clock),
        password_hasher=password_hasher,
    )
    await sign_up(MOBILE, "aarav")
    await fail(accounts, "priya", times=2)

    for _ in range(5):
        await accounts.log_in("aarav", PASSWORD, **BROWSER)

    await fail(accounts, "kabir")


async def test_sign_up_and_sign_in_are_recorded_with_the_client(
    accounts: AccountService, sms: MemorySmsSender
) -> None:
    challenge_id = await accounts.start_sign_up(MOBILE)
    await accounts.verify_sign_up(challenge_id, sms.last_otp(MOBILE))
    client = ClientInfo(address="203.0.113.7", user_agent="Firefox/140.0")
    account = await accounts.complete_sign_up(
        challenge_id, "aarav", PASSWORD, client=client
    )

    await accounts.log_in("aarav", PASSWORD, **BROWSER)

    events = await SecurityEvent.filter(account_id=account.id).order_by("created_at")
    assert [event.kind for event in events] == ["signed_up", "logged_in"]
    assert {(event.client_address, event.user_agent) for event in events} == {
        ("203.0.113.7", "Firefox/140.0")
    }


async def test_failures_and_the_pause_are_recorded_and_the_owner_told_once(
    accounts: AccountService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    account = await sign_up()
    await fail(accounts, times=5)

    with pytest.raises(RateLimited):
        await accounts.log_in("aarav", WRONG, **BROWSER)

    assert await kinds(account) == ["signed_up"] + ["login_failed"] * 5 + ["locked_out"]
    assert sms.last_to(MOBILE) == (
        "Security notice: sign-ins to your openlocker account were paused for 15 "
        "minutes after repeated wrong passwords. If this was not you, reset your "
        "password."
    )
    failed = await SecurityEvent.filter(account_id=account.id, kind="login_failed")
    assert {event.client_address for event in failed} == {"203.0.113.7"}


async def test_a_password_never_reaches_the_security_log(
    accounts: AccountService, sign_up: SignUp
) -> None:
    account = await sign_up()
    await fail(accounts, times=5)

    rows = await SecurityEvent.filter(account_id=account.id).values()

    assert WRONG not in repr(rows)
    assert PASSWORD not in repr(rows)


async def test_an_aadhaar_link_is_recorded_and_noticed(
    settings: Settings,
    ekyc_provider: SandboxEkycProvider,
    clock: FrozenClock,
    sign_up: SignUp,
    sms: MemorySmsSender,
) -> None:
    identity = IdentityService(
        settings, ekyc_provider, clock, security=SecurityLog(sms, clock)
    )
    account = await sign_up(MOBILE)
    request = await identity.start_link(account, AARAV_AADHAAR)

    await identity.confirm_link(
        account,
        request.transaction_id,
        sms.last_otp(MOBILE),
        client=ClientInfo(address="203.0.113.7", user_agent="Firefox/140.0"),
    )

    linked = await SecurityEvent.get(account_id=account.id, kind="aadhaar_linked")
    assert linked.detail == "Aadhaar XXXX-XXXX-9082"
    assert linked.client_address == "203.0.113.7"
    notice = sms.last_to(MOBILE)
    assert "Aadhaar XXXX-XXXX-9082 was linked to your openlocker account" in notice
    assert AARAV_AADHAAR not in notice
