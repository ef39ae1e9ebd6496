"""Sign-up, sign-in and Aadhaar linking through the GraphQL API."""

from __future__ import annotations

from demo import queries
from services.clock import FrozenClock
from tests.api.conftest import Api, sandbox_resident

MOBILE = "9876543210"


async def test_sign_up_log_in_and_see_yourself(api: Api) -> None:
    await api.sign_up("+91 98765 43210", "asha.k")

    await api.log_in("asha.k")
    me = (await api("{ me { ... on Resident { username mobile aadhaar } } }"))["me"]

    assert me == {"username": "asha.k", "mobile": MOBILE, "aadhaar": None}


async def test_log_in_by_mobile_number(api: Api) -> None:
    await api.sign_up(MOBILE, "asha.k")

    await api.log_in("098765-43210")

    assert api.token


async def test_wrong_otp_is_refused_with_tries_left(api: Api) -> None:
    started = (await api(queries.START_SIGN_UP, mobile=MOBILE))["startSignUp"]
    right = api.sms.last_otp(MOBILE)
    wrong = "000000" if right != "000000" else "111111"

    result = await api(
        queries.VERIFY_SIGN_UP, challengeId=started["challengeId"], otp=wrong
    )

    assert result["verifySignUp"]["code"] == "OTP_INVALID"
    assert "4" in result["verifySignUp"]["message"]


async def test_expired_otp_is_refused(api: Api, clock: FrozenClock) -> None:
    started = (await api(queries.START_SIGN_UP, mobile=MOBILE))["startSignUp"]
    otp = api.sms.last_otp(MOBILE)

    clock.advance(601)
    result = await api(
        queries.VERIFY_SIGN_UP, challengeId=started["challengeId"], otp=otp
    )

    assert result["verifySignUp"]["code"] == "OTP_EXPIRED"


async def test_invalid_mobile_is_refused_with_its_field(api: Api) -> None:
    result = await api(queries.START_SIGN_UP, mobile="12345")

    assert result["startSignUp"]["code"] == "INVALID_MOBILE"
    assert result["startSignUp"]["field"] == "mobile"


async def test_wrong_password_and_unknown_user_get_the_same_answer(api: Api) -> None:
    await api.sign_up(MOBILE, "asha.k")

    wrong = await api(queries.LOG_IN, identifier="asha.k", password="not-the-one-1")
    unknown = await api(queries.LOG_IN, identifier="nobody.here", password="whatever-1")

    assert wrong["logIn"]["code"] == unknown["logIn"]["code"] == "INVALID_CREDENTIALS"
    assert wrong["logIn"]["message"] == unknown["logIn"]["message"]


async def test_logged_out_token_no_longer_works(api: Api) -> None:
    await api.new_resident(MOBILE, "asha.k")

    logged_out = await api(queries.LOG_OUT)
    me = await api("{ me { ... on Problem { code } } }")

    assert logged_out["logOut"] == {"ok": True}
    assert me["me"]["code"] == "NOT_AUTHENTICATED"


async def test_idle_session_expires_with_its_own_code(
    api: Api, clock: FrozenClock
) -> None:
    await api.new_resident(MOBILE, "asha.k")

    clock.advance(15 * 60 + 1)
    me = await api("{ me { ... on Problem { code message } } }")

    assert me["me"]["code"] == "SESSION_EXPIRED"


async def test_link_aadhaar_verifies_identity_and_masks_the_number(api: Api) -> None:
    await api.new_resident(MOBILE, "aarav")

    resident = await api.link_aadhaar("Aarav Sharma")

    assert resident["aadhaar"] == "XXXX-XXXX-9082"
    assert resident["verifiedIdentity"] == {
        "name": "Aarav Sharma",
        "dateOfBirth": "2006-03-14",
        "gender": "MALE",
    }


async def test_aadhaar_with_a_bad_check_digit_is_refused(api: Api) -> None:
    await api.new_resident(MOBILE, "aarav")
    number = sandbox_resident("Aarav Sharma")["aadhaar"]
    broken = number[:-1] + str((int(number[-1]) + 1) % 10)

    result = await api(queries.START_AADHAAR_LINK, aadhaar=broken)

    assert result["startAadhaarLink"]["code"] == "INVALID_AADHAAR"


async def test_aadhaar_unknown_to_ekyc_is_refused(api: Api) -> None:
    await api.new_resident(MOBILE, "aarav")

    result = await api(queries.START_AADHAAR_LINK, aadhaar="234123412346")

    assert result["startAadhaarLink"]["code"] == "EKYC_FAILED"


async def test_one_aadhaar_links_to_one_account_told_only_after_the_otp(
    api: Api, other_api: Api
) -> None:
    await api.new_resident(MOBILE, "aarav", aadhaar_of="Aarav Sharma")
    await other_api.new_resident("9123456780", "someone.else")
    resident = sandbox_resident("Aarav Sharma")

    started = (
        await other_api(queries.START_AADHAAR_LINK, aadhaar=resident["aadhaar"])
    )["startAadhaarLink"]
    confirmed = await other_api(
        queries.CONFIRM_AADHAAR_LINK,
        transactionId=started["transactionId"],
        otp=other_api.sms.last_otp(resident["mobile"]),
    )

    assert set(started) == {"transactionId", "sentTo"}
    assert confirmed["confirmAadhaarLink"]["code"] == "AADHAAR_ALREADY_LINKED"


async def test_stats_count_residents_and_issuers(api: Api) -> None:
    await api.sign_up(MOBILE, "asha.k")

    stats = await api("{ stats { residents issuedDocuments issuers requesters } }")

    assert stats["stats"] == {
        "residents": 1,
        "issuedDocuments": 0,
        "issuers": 3,
        "requesters": 0,
    }
