"""Logging in, recognising a session, idle and absolute limits, logging out."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import pytest
from argon2 import PasswordHasher, extract_parameters

from models import Account, Session
from services.accounts import AccountService
from services.clock import FrozenClock
from services.crypto import hash_token
from services.errors import InvalidCredentials, NotAuthenticated, SessionExpired
from services.otp import OtpService
from services.security_events import SecurityLog

from .helpers import PASSWORD, SignUp

BROWSER = {"client_address": "203.0.113.7", "user_agent": "Firefox/140.0"}


class CountingHasher(PasswordHasher):
    """A password hasher that counts the verifies it was asked for."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verifies = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verifies += 1
        return super().verify(hash, password)


async def test_log_in_by_username_gives_a_token_stored_only_hashed(
    accounts: AccountService, sign_up: SignUp, clock: FrozenClock
) -> None:
    account = await sign_up(username="aarav", password=PASSWORD)

    session, token = await accounts.log_in("Aarav", PASSWORD, **BROWSER)

    stored = await Session.get(id=session.id)
    assert stored.token_hash == hash_token(token)
    assert token not in repr(await Session.filter(id=session.id).values())
    assert await Session.filter(id=session.id, account_id=account.id).exists()
    assert stored.expires_at == clock.now() + timedelta(seconds=43200)
    assert stored.client_address == "203.0.113.7"
    assert stored.user_agent == "Firefox/140.0"


async def test_log_in_by_mobile_in_international_form(
    accounts: AccountService, sign_up: SignUp
) -> None:
    account = await sign_up(mobile="9810012345", password=PASSWORD)

    _, token = await accounts.log_in("+91 98100 12345", PASSWORD, **BROWSER)

    signed_in, _ = await accounts.authenticate(token)
    assert signed_in.id == account.id


@pytest.mark.parametrize("identifier", ["nobody", "9999999999", "x", "+91 00000"])
async def test_unknown_account_and_wrong_password_fail_the_same_way(
    otp_service: OtpService,
    clock: FrozenClock,
    sign_up: SignUp,
    identifier: str,
) -> None:
    await sign_up(username="aarav", password=PASSWORD)
    hasher = CountingHasher()
    accounts = AccountService(
        otp_service.settings,
        otp_service,
        clock,
        security=SecurityLog(otp_service.sms, clock),
        password_hasher=hasher,
    )

    with pytest.raises(InvalidCredentials) as wrong_password:
        await accounts.log_in("aarav", "not-my-password", **BROWSER)
    verifies_for_wrong_password = hasher.verifies
    with pytest.raises(InvalidCredentials) as unknown_account:
        await accounts.log_in(identifier, PASSWORD, **BROWSER)

    assert unknown_account.value.message == wrong_password.value.message
    assert unknown_account.value.code == "INVALID_CREDENTIALS"
    # Both spent one argon2 verify, so neither answers sooner.
    assert verifies_for_wrong_password == 1
    assert hasher.verifies == 2
    assert await Session.all().count() == 0


async def test_log_in_rehashes_a_password_stored_with_old_parameters(
    otp_service: OtpService, clock: FrozenClock, sign_up: SignUp
) -> None:
    account = await sign_up(username="aarav", password=PASSWORD)
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    accounts = AccountService(
        otp_service.settings,
        otp_service,
        clock,
        security=SecurityLog(otp_service.sms, clock),
        password_hasher=stronger,
    )

    await accounts.log_in("aarav", PASSWORD, **BROWSER)

    stored = await Account.get(id=account.id)
    assert stored.password_hash != account.password_hash
    assert extract_parameters(stored.password_hash).time_cost == 2
    assert stronger.verify(stored.password_hash, PASSWORD)


async def test_authenticate_answers_the_account_and_session(
    accounts: AccountService, sign_up: SignUp
) -> None:
    account = await sign_up()
    session, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)

    signed_in, current = await accounts.authenticate(token)

    assert signed_in.id == account.id
    assert current.id == session.id


async def test_unknown_token_is_not_authenticated(accounts: AccountService) -> None:
    with pytest.raises(NotAuthenticated, match="Sign in"):
        await accounts.authenticate("made-up-token")


async def test_session_survives_one_second_short_of_the_idle_limit(
    accounts: AccountService, sign_up: SignUp, clock: FrozenClock
) -> None:
    await sign_up()
    _, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)

    clock.advance(899)
    await accounts.authenticate(token)
    clock.advance(899)
    _, session = await accounts.authenticate(token)

    assert session.last_seen_at == clock.now()


async def test_session_ends_one_second_past_the_idle_limit(
    accounts: AccountService, sign_up: SignUp, clock: FrozenClock
) -> None:
    await sign_up()
    session, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)

    clock.advance(901)
    with pytest.raises(SessionExpired, match="sign in again") as raised:
        await accounts.authenticate(token)
    clock.advance(-901)
    with pytest.raises(SessionExpired):
        await accounts.authenticate(token)

    assert raised.value.code == "SESSION_EXPIRED"
    stored = await Session.get(id=session.id)
    assert stored.ended_at is not None


async def test_session_ends_at_its_absolute_lifetime_despite_activity(
    accounts: AccountService, sign_up: SignUp, clock: FrozenClock
) -> None:
    await sign_up()
    _, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)

    for _ in range(43200 // 600 - 1):
        clock.advance(600)
        await accounts.authenticate(token)
    clock.advance(600)

    with pytest.raises(SessionExpired):
        await accounts.authenticate(token)


async def test_a_burst_of_requests_writes_last_seen_once(
    accounts: AccountService, sign_up: SignUp, clock: FrozenClock
) -> None:
    await sign_up()
    session, token = await accounts.log_in("aarav", PASSWORD, **BROWSER)
    started = session.last_seen_at

    clock.advance(2)
    await accounts.authenticate(token)
    after_burst = (await Session.get(id=session.id)).last_seen_at
    clock.advance(4)
    await accounts.authenticate(token)
    after_pause = (await Session.get(id=session.id)).last_seen_at

    assert after_burst == started
    assert after_pause == clock.now()


async def test_log_out_ends_the_session_and_only_that_one(
    accounts: AccountService, sign_up: SignUp, clock: FrozenClock
) -> None:
    await sign_up()
    phone, phone_token = await accounts.log_in("aarav", PASSWORD, **BROWSER)
    _, laptop_token = await accounts.log_in("aarav", PASSWORD, **BROWSER)

    await accounts.log_out(phone_token)
    await accounts.log_out(phone_token)

    with pytest.raises(NotAuthenticated):
        await accounts.authenticate(phone_token)
    await accounts.authenticate(laptop_token)
    stored = await Session.get(id=phone.id)
    assert stored.ended_at == clock.now()
