"""Limits on sending OTPs: the wait between codes, hourly caps, voided codes."""

from __future__ import annotations

import pytest

from config.settings import Settings
from models import OtpChallenge
from services.accounts import AccountService
from services.clock import FrozenClock
from services.errors import OtpAttemptsExceeded, OtpExpired, OtpInvalid, RateLimited
from services.identity.aadhaar import IdentityService
from services.identity.ekyc import SANDBOX_FIXTURE, SandboxEkycProvider
from services.otp import OtpService
from services.sms import MemorySmsSender

from .helpers import SignUp

MOBILE = "9810012345"
OTHER_MOBILE = "9840023456"
TEXT = "{code} is your openlocker code."
ADDRESS = "203.0.113.7"
# Aarav Sharma in the sandbox eKYC fixture.
AARAV_AADHAAR = "726018159082"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_a_second_code_within_the_wait_is_refused_and_sends_nothing(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    await otp_service.issue("sign_up", MOBILE, text=TEXT)
    sent_before = len(sms.messages)

    clock.advance(29)
    with pytest.raises(RateLimited) as refused:
        await otp_service.issue("sign_up", MOBILE, text=TEXT)

    assert refused.value.code == "RATE_LIMITED"
    assert refused.value.retry_after_seconds == 1
    assert refused.value.message == (
        "A code was just sent to this number; ask again in 1 second."
    )
    assert len(sms.messages) == sent_before
    assert await OtpChallenge.filter(mobile=MOBILE).count() == 1


async def test_a_second_code_goes_out_once_the_wait_is_over(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    await otp_service.issue("sign_up", MOBILE, text=TEXT)

    clock.advance(30)
    await otp_service.issue("sign_up", MOBILE, text=TEXT)

    assert [message.mobile for message in sms.messages] == [MOBILE, MOBILE]
    assert await OtpChallenge.filter(mobile=MOBILE).count() == 2


async def test_the_wait_is_per_purpose(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    await otp_service.issue("sign_up", MOBILE, text=TEXT)

    await otp_service.issue("ekyc", MOBILE, text=TEXT)

    assert len(sms.messages) == 2


async def test_entering_the_code_ends_the_wait(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    await otp_service.verify(challenge.id, sms.last_otp(MOBILE), purpose="sign_up")

    await otp_service.issue("sign_up", MOBILE, text=TEXT)

    assert len(sms.messages) == 2


async def test_a_mobile_gets_at_most_its_hourly_number_of_codes(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    for _ in range(5):
        await otp_service.issue("sign_up", MOBILE, text=TEXT)
        clock.advance(30)

    with pytest.raises(RateLimited) as refused:
        await otp_service.issue("sign_up", MOBILE, text=TEXT)

    # The first code was sent 150 seconds ago; it leaves the hour after 3450.
    assert refused.value.retry_after_seconds == 3451
    assert "Too many codes were sent to this number" in refused.value.message
    assert "try again in 58 minutes" in refused.value.message
    assert len(sms.messages) == 5
    await otp_service.issue("sign_up", OTHER_MOBILE, text=TEXT)


async def test_the_hourly_cap_counts_every_purpose_and_frees_after_the_hour(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    for purpose in ("sign_up", "ekyc", "reset_password", "close", "change"):
        await otp_service.issue(purpose, MOBILE, text=TEXT)
    with pytest.raises(RateLimited):
        await otp_service.issue("another", MOBILE, text=TEXT)

    clock.advance(3601)
    await otp_service.issue("sign_up", MOBILE, text=TEXT)

    assert len(sms.messages) == 6


async def test_an_address_may_ask_for_at_most_its_hourly_number_of_codes(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    for number in range(30):
        await otp_service.issue(
            "sign_up", f"98{number:08d}", text=TEXT, client_address=ADDRESS
        )

    with pytest.raises(RateLimited) as refused:
        await otp_service.issue(
            "sign_up", OTHER_MOBILE, text=TEXT, client_address=ADDRESS
        )
    await otp_service.issue(
        "sign_up", OTHER_MOBILE, text=TEXT, client_address="198.51.100.20"
    )

    assert refused.value.retry_after_seconds == 3601
    assert "from your network" in refused.value.message
    assert len(sms.messages) == 31


async def test_a_refusal_names_the_longest_wait(
    otp_service: OtpService, clock: FrozenClock
) -> None:
    for _ in range(5):
        clock.advance(30)
        await otp_service.issue("sign_up", MOBILE, text=TEXT)

    with pytest.raises(RateLimited) as refused:
        await otp_service.issue("sign_up", MOBILE, text=TEXT)

    # Both the 30-second wait and the hourly cap hold; the cap is longer.
    assert refused.value.retry_after_seconds == 3601 - 4 * 30


async def test_a_new_code_voids_the_older_unanswered_one(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    older = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    older_code = sms.last_otp(MOBILE)

    clock.advance(30)
    newer = await otp_service.issue("sign_up", MOBILE, text=TEXT)

    with pytest.raises(OtpExpired, match="ask for a new one"):
        await otp_service.verify(older.id, older_code, purpose="sign_up")
    verified = await otp_service.verify(
        newer.id, sms.last_otp(MOBILE), purpose="sign_up"
    )
    assert verified.verified_at is not None


async def test_asking_again_does_not_multiply_the_tries(
    otp_service: OtpService, sms: MemorySmsSender, clock: FrozenClock
) -> None:
    older = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    for _ in range(4):
        with pytest.raises(OtpInvalid):
            await otp_service.verify(
                older.id, wrong(sms.last_otp(MOBILE)), purpose="sign_up"
            )

    clock.advance(30)
    newer = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    with pytest.raises(OtpExpired):
        await otp_service.verify(
            older.id, wrong(sms.last_otp(MOBILE)), purpose="sign_up"
        )

    with pytest.raises(OtpInvalid, match="4 tries left"):
        await otp_service.verify(
            newer.id, wrong(sms.last_otp(MOBILE)), purpose="sign_up"
        )


async def test_a_new_code_leaves_other_purposes_and_mobiles_alone(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    ekyc = await otp_service.issue("ekyc", MOBILE, text=TEXT)
    ekyc_code = sms.last_otp(MOBILE)
    other = await otp_service.issue("sign_up", OTHER_MOBILE, text=TEXT)

    await otp_service.issue("sign_up", MOBILE, text=TEXT)

    await otp_service.verify(ekyc.id, ekyc_code, purpose="ekyc")
    await otp_service.verify(other.id, sms.last_otp(OTHER_MOBILE), purpose="sign_up")


async def test_a_sixth_wrong_code_is_refused_like_the_fifth(
    otp_service: OtpService, sms: MemorySmsSender
) -> None:
    challenge = await otp_service.issue("sign_up", MOBILE, text=TEXT)
    code = sms.last_otp(MOBILE)
    for _ in range(4):
        with pytest.raises(OtpInvalid):
            await otp_service.verify(challenge.id, wrong(code), purpose="sign_up")

    with pytest.raises(OtpAttemptsExceeded) as fifth:
        await otp_service.verify(challenge.id, wrong(code), purpose="sign_up")
    with pytest.raises(OtpAttemptsExceeded) as sixth:
        await otp_service.verify(challenge.id, wrong(code), purpose="sign_up")

    assert fifth.value.message == sixth.value.message
    stored = await OtpChallenge.get(id=challenge.id)
    assert stored.attempts == 5


async def sign_up_answers(
    accounts: AccountService, clock: FrozenClock, mobile: str
) -> list[str]:
    """Ask for sign-up codes as an impatient client would; note each answer."""
    answers = []
    for _ in range(6):
        for _ in range(2):
            try:
                await accounts.start_sign_up(mobile, client_address=ADDRESS)
            except RateLimited as refused:
                answers.append(f"{refused.message} ({refused.retry_after_seconds})")
            else:
                answers.append("sent")
        clock.advance(30)

    return answers


async def test_sign_up_limits_treat_registered_and_new_mobiles_alike(
    accounts: AccountService, sign_up: SignUp, clock: FrozenClock
) -> None:
    await sign_up(MOBILE)
    clock.advance(3601)  # the sign-up's own code no longer counts

    registered = await sign_up_answers(accounts, clock, MOBILE)
    clock.advance(3601)
    unregistered = await sign_up_answers(accounts, clock, OTHER_MOBILE)

    assert registered == unregistered
    assert registered[:2] == [
        "sent",
        "A code was just sent to this number; ask again in 30 seconds. (30)",
    ]
    assert registered[-2].startswith("Too many codes were sent to this number")


async def test_ekyc_codes_are_limited_like_any_other(
    settings: Settings,
    otp_service: OtpService,
    sign_up: SignUp,
    sms: MemorySmsSender,
    clock: FrozenClock,
) -> None:
    account = await sign_up(MOBILE)
    identity = IdentityService(
        settings, SandboxEkycProvider(SANDBOX_FIXTURE, otp_service), clock
    )
    await identity.start_link(account, AARAV_AADHAAR, client_address=ADDRESS)
    sent = len(sms.messages)

    with pytest.raises(RateLimited) as refused:
        await identity.start_link(account, AARAV_AADHAAR, client_address=ADDRESS)

    assert refused.value.retry_after_seconds == 30
    assert len(sms.messages) == sent


async def test_ekyc_codes_count_against_the_address(
    settings: Settings, sms: MemorySmsSender, sign_up: SignUp, clock: FrozenClock
) -> None:
    strict = settings.model_copy(update={"otp_sends_per_address_per_hour": 1})
    otp = OtpService(strict, sms, clock)
    identity = IdentityService(strict, SandboxEkycProvider(SANDBOX_FIXTURE, otp), clock)
    account = await sign_up(MOBILE)
    await identity.start_link(account, AARAV_AADHAAR, client_address=ADDRESS)

    clock.advance(30)
    with pytest.raises(RateLimited, match="from your network"):
        await identity.start_link(account, AARAV_AADHAAR, client_address=ADDRESS)
