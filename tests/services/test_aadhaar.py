"""Linking Aadhaar through the sandbox eKYC provider."""

from __future__ import annotations

import base64
import logging
from datetime import date

import pytest
from stdnum import verhoeff

from adapters.sdk import Address, Gender, Identity
from models import Account, OtpChallenge
from services.clock import FrozenClock
from services.crypto import SecretBox
from services.errors import (
    AadhaarAlreadyLinked,
    EkycFailed,
    InvalidAadhaar,
    OtpAlreadyUsed,
    OtpChallengeNotFound,
    OtpExpired,
    OtpInvalid,
)
from services.identity import aadhaar
from services.identity.aadhaar import IdentityService
from services.identity.ekyc import SandboxEkycProvider
from services.sms import MemorySmsSender

from .helpers import SignUp, logged_text

# Aarav Sharma in the sandbox fixture, registered with mobile 9810012345.
AARAV_AADHAAR = "726018159082"
AARAV_AADHAAR_MOBILE = "9810012345"


def not_in_sandbox() -> str:
    """A number that passes every check but belongs to no sandbox resident."""
    first_eleven = "23412341234"
    return first_eleven + verhoeff.calc_check_digit(first_eleven)


async def link(
    identity: IdentityService, sms: MemorySmsSender, account: Account
) -> Account:
    """Link Aarav's number to ``account`` with the OTP the sandbox texts."""
    request = await identity.start_link(account, AARAV_AADHAAR)
    otp = sms.last_otp(AARAV_AADHAAR_MOBILE)

    return await identity.confirm_link(account, request.transaction_id, otp)


@pytest.mark.parametrize(
    "number",
    ["726018159083", "72601815908", "7260181590821", "126018159082", "72601815908x"],
)
async def test_start_link_refuses_an_invalid_number(
    identity: IdentityService, sign_up: SignUp, sms: MemorySmsSender, number: str
) -> None:
    account = await sign_up()
    sent_before = len(sms.messages)

    with pytest.raises(InvalidAadhaar, match="12 digits") as raised:
        await identity.start_link(account, number)

    assert raised.value.field == "aadhaar"
    assert raised.value.code == "INVALID_AADHAAR"
    assert len(sms.messages) == sent_before


async def test_start_link_refuses_a_number_unknown_to_the_sandbox(
    identity: IdentityService, sign_up: SignUp
) -> None:
    account = await sign_up()

    with pytest.raises(EkycFailed, match="no resident with this Aadhaar number"):
        await identity.start_link(account, not_in_sandbox())


async def test_start_link_texts_the_otp_to_the_aadhaar_mobile(
    identity: IdentityService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    account = await sign_up(mobile="9000012345")

    request = await identity.start_link(account, "7260 1815 9082")

    assert request.masked_mobile == "XXXXXX2345"
    assert "Aadhaar OTP" in sms.last_to(AARAV_AADHAAR_MOBILE)
    assert len(sms.last_otp(AARAV_AADHAAR_MOBILE)) == 6
    assert "Aadhaar" not in sms.last_to("9000012345")


async def test_link_stores_the_number_sealed_and_the_verified_identity(
    identity: IdentityService,
    sign_up: SignUp,
    sms: MemorySmsSender,
    clock: FrozenClock,
) -> None:
    account = await sign_up(mobile="9000012345")

    linked = await link(identity, sms, account)

    stored = await Account.get(id=account.id)
    assert stored.aadhaar_last4 == "9082"
    assert stored.aadhaar_linked_at == clock.now()
    assert stored.aadhaar_hash is not None
    assert stored.aadhaar_encrypted is not None
    box = SecretBox(b"test-aadhaar-key-32-bytes-long!!")
    context = str(account.id).encode()
    assert box.decrypt(stored.aadhaar_encrypted, context=context) == b"726018159082"
    assert identity.masked_aadhaar(stored) == "XXXX-XXXX-9082"
    expected = Identity(name="Aarav Sharma", dob=date(2006, 3, 14), gender=Gender.MALE)
    assert identity.identity_of(stored) == expected
    assert identity.identity_of(linked) == expected
    assert identity.masked_aadhaar(linked) == "XXXX-XXXX-9082"
    assert aadhaar.masked_aadhaar(stored) == "XXXX-XXXX-9082"
    assert aadhaar.identity_of(stored) == expected


async def test_link_leaves_no_clear_number_in_any_column_of_any_row(
    identity: IdentityService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    account = await sign_up(mobile="9000012345")

    await link(identity, sms, account)

    rows = [
        *await Account.all().values(),
        *await OtpChallenge.all().values(),
    ]
    assert len(rows) >= 4
    for row in rows:
        for column, value in row.items():
            text = value.hex() if isinstance(value, bytes) else repr(value)
            assert AARAV_AADHAAR not in text, column
            if isinstance(value, bytes):
                assert AARAV_AADHAAR.encode() not in value, column
                assert base64.b64encode(AARAV_AADHAAR.encode()) not in value, column


async def test_unlinked_account_has_no_masked_number_and_no_identity(
    identity: IdentityService, sign_up: SignUp
) -> None:
    account = await sign_up()

    assert identity.masked_aadhaar(account) is None
    assert identity.identity_of(account) is None
    assert aadhaar.masked_aadhaar(account) is None
    assert aadhaar.identity_of(account) is None


async def test_a_second_account_cannot_link_the_same_number(
    identity: IdentityService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    first = await sign_up(mobile="9000012345", username="aarav")
    second = await sign_up(mobile="9000067890", username="aarav_again")
    await link(identity, sms, first)

    request = await identity.start_link(second, AARAV_AADHAAR)
    otp = sms.last_otp(AARAV_AADHAAR_MOBILE)
    with pytest.raises(AadhaarAlreadyLinked, match="another account"):
        await identity.confirm_link(second, request.transaction_id, otp)

    assert (await Account.get(id=second.id)).aadhaar_hash is None


async def test_two_accounts_confirming_the_same_number_link_only_one(
    identity: IdentityService,
    sign_up: SignUp,
    sms: MemorySmsSender,
    clock: FrozenClock,
) -> None:
    first = await sign_up(mobile="9000012345", username="aarav")
    second = await sign_up(mobile="9000067890", username="aarav_again")
    first_request = await identity.start_link(first, AARAV_AADHAAR)
    first_otp = sms.last_otp(AARAV_AADHAAR_MOBILE)
    clock.advance(30)  # the wait before another code goes to the same mobile
    second_request = await identity.start_link(second, AARAV_AADHAAR)
    second_otp = sms.last_otp(AARAV_AADHAAR_MOBILE)

    # The newer code voids the older one sent to the same mobile.
    with pytest.raises(OtpExpired):
        await identity.confirm_link(first, first_request.transaction_id, first_otp)
    await identity.confirm_link(second, second_request.transaction_id, second_otp)
    retry = await identity.start_link(first, AARAV_AADHAAR)
    with pytest.raises(AadhaarAlreadyLinked, match="another account"):
        await identity.confirm_link(
            first, retry.transaction_id, sms.last_otp(AARAV_AADHAAR_MOBILE)
        )

    assert (await Account.get(id=first.id)).aadhaar_hash is None
    assert await Account.filter(aadhaar_last4="9082").count() == 1


async def test_an_account_links_only_one_number(
    identity: IdentityService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    account = await sign_up(mobile="9000012345")
    await link(identity, sms, account)

    with pytest.raises(AadhaarAlreadyLinked, match="already has"):
        await identity.start_link(account, "501661318603")


async def test_confirm_refuses_a_transaction_started_by_another_account(
    identity: IdentityService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    owner = await sign_up(mobile="9000012345", username="aarav")
    intruder = await sign_up(mobile="9000067890", username="mallory")
    request = await identity.start_link(owner, AARAV_AADHAAR)
    otp = sms.last_otp(AARAV_AADHAAR_MOBILE)

    with pytest.raises(OtpChallengeNotFound, match="start linking again"):
        await identity.confirm_link(intruder, request.transaction_id, otp)

    assert (await Account.get(id=intruder.id)).aadhaar_hash is None
    linked = await identity.confirm_link(owner, request.transaction_id, otp)
    assert linked.aadhaar_last4 == "9082"


async def test_confirm_with_a_wrong_otp_links_nothing_and_allows_a_retry(
    identity: IdentityService, sign_up: SignUp, sms: MemorySmsSender
) -> None:
    account = await sign_up(mobile="9000012345")
    request = await identity.start_link(account, AARAV_AADHAAR)
    otp = sms.last_otp(AARAV_AADHAAR_MOBILE)
    wrong = f"{(int(otp) + 1) % 1_000_000:06d}"

    with pytest.raises(OtpInvalid, match="4 tries left"):
        await identity.confirm_link(account, request.transaction_id, wrong)
    assert (await Account.get(id=account.id)).aadhaar_hash is None

    linked = await identity.confirm_link(account, request.transaction_id, otp)
    assert linked.verified_name == "Aarav Sharma"


async def test_confirm_after_the_otp_lifetime_is_refused(
    identity: IdentityService,
    sign_up: SignUp,
    sms: MemorySmsSender,
    clock: FrozenClock,
) -> None:
    account = await sign_up(mobile="9000012345")
    request = await identity.start_link(account, AARAV_AADHAAR)
    otp = sms.last_otp(AARAV_AADHAAR_MOBILE)

    clock.advance(601)
    with pytest.raises(OtpExpired, match="start linking again"):
        await identity.confirm_link(account, request.transaction_id, otp)


async def test_sandbox_answers_the_residents_identity_and_address(
    ekyc_provider: SandboxEkycProvider, sms: MemorySmsSender
) -> None:
    request = await ekyc_provider.request_otp("501661318603")

    confirmed = await ekyc_provider.confirm(
        request.transaction_id, sms.last_otp("9840023456")
    )

    assert confirmed.name == "Priya Venkataraman"
    assert confirmed.dob == date(2005, 11, 2)
    assert confirmed.gender is Gender.FEMALE
    assert confirmed.address == Address(
        house="12",
        line1="Second Cross Street, Besant Nagar",
        vtc="Chennai",
        district="Chennai",
        state="Tamil Nadu",
        pin="600090",
    )
    challenge = await OtpChallenge.get(id=request.transaction_id)
    assert "501661318603" not in repr(challenge.payload)
    assert set(challenge.payload) == {"aadhaar_hash"}


async def test_sandbox_transaction_confirms_only_once(
    ekyc_provider: SandboxEkycProvider, sms: MemorySmsSender
) -> None:
    request = await ekyc_provider.request_otp("501661318603")
    otp = sms.last_otp("9840023456")
    await ekyc_provider.confirm(request.transaction_id, otp)

    with pytest.raises(OtpAlreadyUsed):
        await ekyc_provider.confirm(request.transaction_id, otp)


async def test_neither_codes_nor_aadhaar_numbers_reach_the_log(
    identity: IdentityService,
    sign_up: SignUp,
    sms: MemorySmsSender,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    account = await sign_up(mobile="9000012345")
    await link(identity, sms, account)

    logged = logged_text(caplog)
    assert "Aadhaar linked" in logged
    codes = [text for message in sms.messages for text in message.text.split()]
    for code in (word for word in codes if word.isdigit() and len(word) == 6):
        assert code not in logged
    assert AARAV_AADHAAR not in logged
    assert "7260 1815 9082" not in logged
