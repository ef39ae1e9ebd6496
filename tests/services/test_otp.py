"""OTP challenges: tries, expiry, single use, and codes kept out of sight."""

from __future__ import annotations

import logging
import uuid

import pytest

from models import OtpChallenge
from services.clock import FrozenClock
from services.errors import (
    OtpAlreadyUsed,
    OtpAttemptsExceeded,
    OtpChallengeNotFound,
    OtpExpired,
    OtpInvalid,
    OtpNotVerified,
)
from services.otp import OtpService
from services.sms import MemorySmsSender

from .helpers import logged_text

MOBILE = "9810012345"
TEXT = "{code} is your openlocker code."


def wrong(code: str) -> str:
    """A code that is certainly not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_issue_texts_a_six_digit_code_and_stores_only_its_hash(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)

    code = sms.last_otp(MOBILE)
    assert sms.last_to(MOBILE) == f"{code} is your openlocker code."
    row = await OtpChallenge.filter(id=challenge.id).values()
    assert code not in repr(row)
    assert challenge.attempts == 0
    assert (challenge.expires_at - challenge.created_at).total_seconds() == 600


async def test_issue_needs_a_code_placeholder(otp_service: OtpService) -> None:
    with pytest.raises(ValueError, match="placeholder"):
        await otp_service.issue("sign_up", MOBILE, text="Your code is ready.")


async def test_right_code_verifies_the_challenge(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)

    verified = await otp_service.verify(
        challenge.id, sms.last_otp(MOBILE), purpose="sign_up"
    )

    assert verified.verified_at == clock.now()
    stored = await OtpChallenge.get(id=challenge.id)
    assert stored.verified_at == clock.now()


async def test_four_wrong_codes_then_the_right_one_verifies(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    code = sms.last_otp(MOBILE)

    messages = []
    for _ in range(4):
        with pytest.raises(OtpInvalid) as raised:
            await otp_service.verify(challenge.id, wrong(code), purpose="sign_up")
        messages.append(raised.value.message)
    verified = await otp_service.verify(challenge.id, code, purpose="sign_up")

    assert messages == [
        "That code is not right; 4 tries left.",
        "That code is not right; 3 tries left.",
        "That code is not right; 2 tries left.",
        "That code is not right; 1 try left.",
    ]
    assert verified.verified_at is not None
    assert verified.attempts == 4


async def test_fifth_wrong_code_voids_the_challenge_even_for_the_right_code(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    code = sms.last_otp(MOBILE)
    for _ in range(4):
        with pytest.raises(OtpInvalid):
            await otp_service.verify(challenge.id, wrong(code), purpose="sign_up")

    with pytest.raises(OtpAttemptsExceeded) as fifth:
        await otp_service.verify(challenge.id, wrong(code), purpose="sign_up")
    with pytest.raises(OtpAttemptsExceeded):
        await otp_service.verify(challenge.id, code, purpose="sign_up")

    assert fifth.value.code == "OTP_ATTEMPTS_EXCEEDED"
    assert "ask for a new one" in fifth.value.message
    stored = await OtpChallenge.get(id=challenge.id)
    assert stored.attempts == 5
    assert stored.verified_at is None


async def test_a_code_verifies_only_once(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    code = sms.last_otp(MOBILE)
    await otp_service.verify(challenge.id, code, purpose="sign_up")

    with pytest.raises(OtpAlreadyUsed):
        await otp_service.verify(challenge.id, code, purpose="sign_up")


async def test_a_verified_challenge_is_consumed_only_once(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    verified = await otp_service.verify(
        challenge.id, sms.last_otp(MOBILE), purpose="sign_up"
    )

    await otp_service.consume(verified)
    stale_copy = await OtpChallenge.get(id=challenge.id)
    stale_copy.consumed_at = None
    with pytest.raises(OtpAlreadyUsed):
        await otp_service.consume(stale_copy)

    stored = await OtpChallenge.get(id=challenge.id)
    assert stored.consumed_at == clock.now()


async def test_an_unverified_challenge_cannot_be_consumed(
    otp_service: OtpService,
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)

    with pytest.raises(OtpNotVerified):
        await otp_service.consume(challenge)


async def test_code_works_one_second_before_the_ttl_ends(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)

    clock.advance(599)
    verified = await otp_service.verify(
        challenge.id, sms.last_otp(MOBILE), purpose="sign_up"
    )

    assert verified.verified_at is not None


async def test_code_is_refused_after_the_ttl(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)

    clock.advance(601)
    with pytest.raises(OtpExpired, match="expired"):
        await otp_service.verify(challenge.id, sms.last_otp(MOBILE), purpose="sign_up")


async def test_verification_older_than_the_ttl_cannot_be_spent(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    verified = await otp_service.verify(
        challenge.id, sms.last_otp(MOBILE), purpose="sign_up"
    )

    clock.advance(601)
    with pytest.raises(OtpExpired):
        await otp_service.verified_challenge(challenge.id, purpose="sign_up")
    with pytest.raises(OtpExpired):
        await otp_service.consume(verified)


async def test_a_challenge_answers_only_its_own_purpose(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    challenge = await otp_service.issue("ekyc", MOBILE, text=TEXT)

    with pytest.raises(OtpChallengeNotFound):
        await otp_service.verify(challenge.id, sms.last_otp(MOBILE), purpose="sign_up")


@pytest.mark.parametrize("challenge_id", [uuid.uuid4(), "not-a-uuid", ""])
async def test_unknown_challenge_is_not_found(
    otp_service: OtpService, challenge_id: uuid.UUID | str
) -> None:
    with pytest.raises(OtpChallengeNotFound, match="ask for a new code"):
        await otp_service.verify(challenge_id, "123456", purpose="sign_up")


async def test_decoy_challenge_sends_no_code_and_refuses_every_code_as_wrong(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    decoy = await otp_service.issue_decoy(
        "sign_up", MOBILE, text="You already have an account."
    )

    with pytest.raises(OtpInvalid, match="4 tries left"):
        await otp_service.verify(decoy.id, "000000", purpose="sign_up")

    assert sms.last_to(MOBILE) == "You already have an account."


async def test_codes_never_reach_the_log(
    otp_service: OtpService,
    sms: MemorySmsSender,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    code = sms.last_otp(MOBILE)

    with pytest.raises(OtpInvalid):
        await otp_service.verify(challenge.id, wrong(code), purpose="sign_up")
    await otp_service.verify(challenge.id, code, purpose="sign_up")

    logged = logged_text(caplog)
    assert "OTP challenge issued" in logged
    assert code not in logged
