"""Refusals by the OTP and sign-in limits, as a GraphQL client sees them."""

from __future__ import annotations

from services.clock import FrozenClock
from tests.api.conftest import PASSWORD, Api, sandbox_resident

MOBILE = "9876543210"

# The refusal a client acts on: its code, and when to try again.
LIMITED = "... on Problem { code message retryAfterSeconds }"

START_SIGN_UP = f"""
mutation StartSignUp($mobile: String!) {{
  startSignUp(mobile: $mobile) {{ ... on OtpSent {{ challengeId }} {LIMITED} }}
}}
"""

LOG_IN = f"""
mutation LogIn($identifier: String!, $password: String!) {{
  logIn(identifier: $identifier, password: $password) {{
    ... on SessionStarted {{ token }} {LIMITED}
  }}
}}
"""

START_AADHAAR_LINK = f"""
mutation StartAadhaarLink($aadhaar: String!) {{
  startAadhaarLink(aadhaar: $aadhaar) {{
    ... on AadhaarOtpSent {{ transactionId }} {LIMITED}
  }}
}}
"""


async def test_a_second_sign_up_code_too_soon_is_refused_with_the_wait(
    api: Api,
) -> None:
    await api(START_SIGN_UP, mobile=MOBILE)

    refused = (await api(START_SIGN_UP, mobile=MOBILE))["startSignUp"]

    assert refused == {
        "code": "RATE_LIMITED",
        "message": "A code was just sent to this number; ask again in 30 seconds.",
        "retryAfterSeconds": 30,
    }


async def test_a_sign_up_code_can_be_asked_for_again_after_the_wait(
    api: Api, clock: FrozenClock
) -> None:
    await api(START_SIGN_UP, mobile=MOBILE)

    clock.advance(30)
    again = (await api(START_SIGN_UP, mobile=MOBILE))["startSignUp"]

    assert "challengeId" in again


async def test_a_registered_mobile_is_refused_alike(api: Api) -> None:
    await api.sign_up(MOBILE, "asha.k")
    await api(START_SIGN_UP, mobile="9123456780")
    await api(START_SIGN_UP, mobile=MOBILE)

    registered = (await api(START_SIGN_UP, mobile=MOBILE))["startSignUp"]
    unregistered = (await api(START_SIGN_UP, mobile="9123456780"))["startSignUp"]

    assert registered == unregistered
    assert registered["code"] == "RATE_LIMITED"


async def test_sign_ins_pause_after_five_wrong_passwords(api: Api) -> None:
    await api.sign_up(MOBILE, "asha.k")
    for _ in range(5):
        wrong = await api(LOG_IN, identifier="asha.k", password="not-the-one-1")
        assert wrong["logIn"]["code"] == "INVALID_CREDENTIALS"

    paused = (await api(LOG_IN, identifier="asha.k", password=PASSWORD))["logIn"]

    assert paused == {
        "code": "RATE_LIMITED",
        "message": "Too many failed sign-ins; try again in 900 seconds.",
        "retryAfterSeconds": 900,
    }
    notice = api.sms.last_to(MOBILE)
    assert "were paused for 15 minutes" in notice


async def test_sign_in_works_again_when_the_pause_is_over(
    api: Api, clock: FrozenClock
) -> None:
    await api.sign_up(MOBILE, "asha.k")
    for _ in range(5):
        await api(LOG_IN, identifier="asha.k", password="not-the-one-1")

    clock.advance(900)
    result = (await api(LOG_IN, identifier="asha.k", password=PASSWORD))["logIn"]

    assert "token" in result


async def test_a_second_aadhaar_code_too_soon_is_refused(api: Api) -> None:
    await api.new_resident(MOBILE, "aarav")
    aadhaar = sandbox_resident("Aarav Sharma")["aadhaar"]
    await api(START_AADHAAR_LINK, aadhaar=aadhaar)

    refused = (await api(START_AADHAAR_LINK, aadhaar=aadhaar))["startAadhaarLink"]

    assert refused["code"] == "RATE_LIMITED"
    assert refused["retryAfterSeconds"] == 30
