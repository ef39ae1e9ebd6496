"""Signing up: mobile numbers, the OTP step, usernames and passwords."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from argon2 import PasswordHasher

from models import Account, OtpChallenge
from services.accounts import AccountService, normalise_mobile
from services.clock import FrozenClock
from services.errors import (
    InvalidMobile,
    InvalidUsername,
    MobileAlreadyRegistered,
    OtpAlreadyUsed,
    OtpExpired,
    OtpInvalid,
    OtpNotVerified,
    UsernameTaken,
    WeakPassword,
)
from services.sms import MemorySmsSender

from .helpers import SignUp

MOBILE = "9810012345"


async def verified_challenge(
    accounts: AccountService, sms: MemorySmsSender, mobile: str = MOBILE
) -> uuid.UUID:
    """A sign-up challenge for ``mobile`` whose code was entered."""
    challenge_id = await accounts.start_sign_up(mobile)
    await accounts.verify_sign_up(challenge_id, sms.last_otp(mobile))

    return challenge_id


@pytest.mark.parametrize(
    "raw",
    [
        "9810012345",
        "+91 98100 12345",
        "+919810012345",
        "+91-98100-12345",
        "919810012345",
        "09810012345",
        " 98100 12345 ",
        "981-001-2345",
    ],
)
def test_normalise_mobile_accepts_the_usual_ways_of_writing_a_number(
    raw: str,
) -> None:
    assert normalise_mobile(raw) == "9810012345"
    assert AccountService.normalise_mobile(raw) == "9810012345"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "5810012345",
        "981001234",
        "98100123456",
        "+44 7700 900123",
        "+91 58100 12345",
        "98100l2345",
        "९८१००१२३४५",
        "+91 +91 9810012345",
    ],
)
def test_normalise_mobile_refuses_anything_else(raw: str) -> None:
    with pytest.raises(InvalidMobile) as raised:
        normalise_mobile(raw)

    assert raised.value.field == "mobile"
    assert raised.value.code == "INVALID_MOBILE"


async def test_sign_up_creates_an_account_for_the_proven_mobile(
    accounts: AccountService, sms: MemorySmsSender
) -> None:
    challenge_id = await accounts.start_sign_up("+91 98100 12345")
    assert "sign-up code" in sms.last_to(MOBILE)
    await accounts.verify_sign_up(challenge_id, sms.last_otp(MOBILE))

    account = await accounts.complete_sign_up(
        challenge_id, "Aarav.Sharma_06", "monsoon-chai-1987"
    )

    stored = await Account.get(id=account.id)
    assert stored.username == "aarav.sharma_06"
    assert stored.mobile == MOBILE
    assert stored.password_hash.startswith("$argon2id$")
    assert "monsoon-chai-1987" not in stored.password_hash
    assert PasswordHasher().verify(stored.password_hash, "monsoon-chai-1987")
    challenge = await OtpChallenge.get(id=challenge_id)
    assert challenge.consumed_at is not None


async def test_sign_up_with_a_registered_mobile_reveals_nothing(
    accounts: AccountService, sms: MemorySmsSender, sign_up: SignUp
) -> None:
    await sign_up(MOBILE)
    fresh_id = await accounts.start_sign_up("9840023456")

    registered_id = await accounts.start_sign_up("+91 98100 12345")

    assert isinstance(registered_id, uuid.UUID)
    notice = sms.last_to(MOBILE)
    assert "already have an account" in notice
    assert not any(character.isdigit() for character in notice)
    with pytest.raises(OtpInvalid) as registered_error:
        await accounts.verify_sign_up(registered_id, "123456")
    with pytest.raises(OtpInvalid) as fresh_error:
        await accounts.verify_sign_up(fresh_id, wrong(sms.last_otp("9840023456")))
    assert registered_error.value.message == fresh_error.value.message
    assert registered_error.value.code == fresh_error.value.code
    with pytest.raises(OtpNotVerified):
        await accounts.complete_sign_up(registered_id, "someone", "monsoon-chai-1987")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_complete_sign_up_needs_the_code_entered_first(
    accounts: AccountService,
) -> None:
    challenge_id = await accounts.start_sign_up(MOBILE)

    with pytest.raises(OtpNotVerified):
        await accounts.complete_sign_up(challenge_id, "aarav", "monsoon-chai-1987")

    assert not await Account.exists(mobile=MOBILE)


async def test_a_sign_up_code_makes_only_one_account(
    accounts: AccountService, sms: MemorySmsSender
) -> None:
    challenge_id = await verified_challenge(accounts, sms)
    await accounts.complete_sign_up(challenge_id, "aarav", "monsoon-chai-1987")

    with pytest.raises(OtpAlreadyUsed):
        await accounts.complete_sign_up(challenge_id, "aarav2", "monsoon-chai-1987")

    assert await Account.all().count() == 1


async def test_complete_sign_up_refuses_a_verification_older_than_the_ttl(
    accounts: AccountService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    challenge_id = await verified_challenge(accounts, sms)

    clock.advance(601)
    with pytest.raises(OtpExpired):
        await accounts.complete_sign_up(challenge_id, "aarav", "monsoon-chai-1987")


@pytest.mark.parametrize(
    "username",
    [
        "ab",
        "a" * 33,
        "1aarav",
        "_aarav",
        ".aarav",
        "aarav sharma",
        "aarav-sharma",
        "aarav@home",
        "ārav",
        "",
    ],
)
async def test_username_must_follow_the_rules(
    accounts: AccountService, sms: MemorySmsSender, username: str
) -> None:
    challenge_id = await verified_challenge(accounts, sms)

    with pytest.raises(InvalidUsername, match="3 to 32 characters") as raised:
        await accounts.complete_sign_up(challenge_id, username, "monsoon-chai-1987")

    assert raised.value.field == "username"


@pytest.mark.parametrize("username", ["abc", "a" * 32, "a.b_c9", "AARAV"])
async def test_username_at_the_edges_of_the_rules_is_accepted(
    accounts: AccountService, sms: MemorySmsSender, username: str
) -> None:
    challenge_id = await verified_challenge(accounts, sms)

    account = await accounts.complete_sign_up(
        challenge_id, username, "monsoon-chai-1987"
    )

    assert account.username == username.lower()


async def test_username_taken_in_any_case_is_refused(
    accounts: AccountService, sms: MemorySmsSender, sign_up: SignUp
) -> None:
    await sign_up("9840023456", "priya")
    challenge_id = await verified_challenge(accounts, sms)

    with pytest.raises(UsernameTaken) as raised:
        await accounts.complete_sign_up(challenge_id, "Priya", "monsoon-chai-1987")

    assert raised.value.field == "username"
    challenge = await OtpChallenge.get(id=challenge_id)
    assert challenge.consumed_at is None


async def test_two_residents_racing_for_one_username_get_one_account(
    accounts: AccountService, sms: MemorySmsSender
) -> None:
    first = await verified_challenge(accounts, sms, "9810012345")
    second = await verified_challenge(accounts, sms, "9840023456")

    results = await asyncio.gather(
        accounts.complete_sign_up(first, "aarav", "monsoon-chai-1987"),
        accounts.complete_sign_up(second, "aarav", "monsoon-chai-1987"),
        return_exceptions=True,
    )

    assert sum(isinstance(result, Account) for result in results) == 1
    assert sum(isinstance(result, UsernameTaken) for result in results) == 1
    assert await Account.filter(username="aarav").count() == 1


async def test_username_taken_between_check_and_insert_is_reported(
    accounts: AccountService,
    sms: MemorySmsSender,
    sign_up: SignUp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    challenge_id = await verified_challenge(accounts, sms, "9840023456")
    await sign_up("9810012345", "priya")
    real_exists = Account.exists

    async def checked_too_early(*args: object, **kwargs: object) -> bool:
        # The other sign-up commits just after this one looked.
        monkeypatch.setattr(Account, "exists", real_exists)
        return False

    monkeypatch.setattr(Account, "exists", checked_too_early)
    with pytest.raises(UsernameTaken):
        await accounts.complete_sign_up(challenge_id, "priya", "monsoon-chai-1987")

    challenge = await OtpChallenge.get(id=challenge_id)
    assert challenge.consumed_at is None


async def test_mobile_registered_while_signing_up_is_reported(
    accounts: AccountService, sms: MemorySmsSender
) -> None:
    first = await verified_challenge(accounts, sms)
    second = await verified_challenge(accounts, sms)
    await accounts.complete_sign_up(first, "aarav", "monsoon-chai-1987")

    with pytest.raises(MobileAlreadyRegistered, match="sign in instead") as raised:
        await accounts.complete_sign_up(second, "aarav2", "monsoon-chai-1987")

    assert raised.value.code == "MOBILE_ALREADY_REGISTERED"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short7!", "at least 8 characters"),
        ("x" * 129, "at most 128 characters"),
        ("Aarav_Sharma", "username"),
        ("password", "common password"),
        ("12345678", "common password"),
        ("\x00" * 8, "letters, digits, spaces and symbols"),
        ("9810012345", "mobile number"),
        ("+91 98100 12345", "mobile number"),
    ],
)
async def test_weak_passwords_are_refused_with_a_reason(
    accounts: AccountService, sms: MemorySmsSender, password: str, reason: str
) -> None:
    challenge_id = await verified_challenge(accounts, sms)

    with pytest.raises(WeakPassword, match=reason) as raised:
        await accounts.complete_sign_up(challenge_id, "aarav_sharma", password)

    assert raised.value.field == "password"
    assert not await Account.exists(mobile=MOBILE)


@pytest.mark.parametrize("password", ["Kq7#vW2p", "quiet-ochre-" * 10 + "harbour7"])
async def test_passwords_at_the_length_limits_are_accepted(
    accounts: AccountService, sms: MemorySmsSender, password: str
) -> None:
    challenge_id = await verified_challenge(accounts, sms)

    account = await accounts.complete_sign_up(challenge_id, "aarav", password)

    assert account.mobile == MOBILE
