"""Recovery, password and mobile changes, sessions, the security log and closing
an account, through the GraphQL API as a frontend would use them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from config.settings import Settings
from models import (
    Account,
    ClosedAccount,
    IssuedDocument,
    OtpChallenge,
    SecurityEvent,
    Session,
)
from schema.types.security import SecurityEventKindValue
from services.clock import FrozenClock
from services.security_events import SecurityEventKind
from tests.api.conftest import PASSWORD, Api

MOBILE = "9810012345"
NEW_MOBILE = "9822034567"
UNKNOWN_MOBILE = "9415045678"
NEW_PASSWORD = "tamarind-rickshaw-velvet-8"
PROBLEM = "... on Problem { code message field }"

START_USERNAME_RECOVERY = f"""
mutation StartUsernameRecovery($mobile: String!) {{
  startUsernameRecovery(mobile: $mobile) {{
    ... on RecoveryCodeSent {{ challengeId expiresAt }} {PROBLEM}
  }}
}}
"""

CONFIRM_USERNAME_RECOVERY = f"""
mutation ConfirmUsernameRecovery($challengeId: ID!, $otp: String!) {{
  confirmUsernameRecovery(challengeId: $challengeId, otp: $otp) {{
    ... on UsernameRecovered {{ username }} {PROBLEM}
  }}
}}
"""

START_PASSWORD_RESET = f"""
mutation StartPasswordReset($identifier: String!) {{
  startPasswordReset(identifier: $identifier) {{
    ... on RecoveryCodeSent {{ challengeId expiresAt }} {PROBLEM}
  }}
}}
"""

COMPLETE_PASSWORD_RESET = f"""
mutation CompletePasswordReset(
  $challengeId: ID!, $otp: String!, $newPassword: String!
) {{
  completePasswordReset(
    challengeId: $challengeId, otp: $otp, newPassword: $newPassword
  ) {{
    ... on PasswordReset {{ signedOutSessions }} {PROBLEM}
  }}
}}
"""

CHANGE_PASSWORD = f"""
mutation ChangePassword($currentPassword: String!, $newPassword: String!) {{
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {{
    ... on PasswordChanged {{ signedOutSessions }} {PROBLEM}
  }}
}}
"""

START_MOBILE_CHANGE = f"""
mutation StartMobileChange($newMobile: String!) {{
  startMobileChange(newMobile: $newMobile) {{
    ... on MobileChangeStarted {{
      challengeId currentMobileSentTo newMobileSentTo expiresAt
    }}
    {PROBLEM}
  }}
}}
"""

CONFIRM_MOBILE_CHANGE = f"""
mutation ConfirmMobileChange(
  $challengeId: ID!, $currentMobileOtp: String!, $newMobileOtp: String!
) {{
  confirmMobileChange(
    challengeId: $challengeId,
    currentMobileOtp: $currentMobileOtp,
    newMobileOtp: $newMobileOtp
  ) {{
    ... on MobileChanged {{ mobile signedOutSessions }} {PROBLEM}
  }}
}}
"""

MY_SESSIONS = f"""
query MySessions {{
  me {{
    ... on Resident {{
      sessions {{
        id createdAt lastSeenAt expiresAt clientAddress userAgent
        isCurrent active endedAt
      }}
    }}
    {PROBLEM}
  }}
}}
"""

END_SESSION = f"""
mutation EndSession($sessionId: ID!) {{
  endSession(sessionId: $sessionId) {{
    ... on SessionEnded {{ session {{ id active endedAt }} }} {PROBLEM}
  }}
}}
"""

END_OTHER_SESSIONS = f"""
mutation EndOtherSessions {{
  endOtherSessions {{ ... on OtherSessionsEnded {{ signedOutSessions }} {PROBLEM} }}
}}
"""

MY_SECURITY_EVENTS = f"""
query MySecurityEvents($first: Int!, $after: String) {{
  me {{
    ... on Resident {{
      securityEvents(first: $first, after: $after) {{
        totalCount
        pageInfo {{ hasNextPage endCursor }}
        edges {{
          cursor
          node {{ kind occurredAt clientAddress userAgent detail }}
        }}
      }}
    }}
    {PROBLEM}
  }}
}}
"""

START_ACCOUNT_CLOSURE = f"""
mutation StartAccountClosure {{
  startAccountClosure {{ ... on OtpSent {{ challengeId sentTo expiresAt }} {PROBLEM} }}
}}
"""

CONFIRM_ACCOUNT_CLOSURE = f"""
mutation ConfirmAccountClosure($challengeId: ID!, $otp: String!) {{
  confirmAccountClosure(challengeId: $challengeId, otp: $otp) {{
    ... on AccountClosed {{ closedAt }} {PROBLEM}
  }}
}}
"""

ME = f"{{ me {{ ... on Resident {{ username mobile }} {PROBLEM} }} }}"


def wrong(code: str) -> str:
    """A code that is certainly not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def stored_files(folder: Path) -> list[str]:
    """The files kept under ``folder``, at any depth."""
    if not folder.exists():
        return []
    return sorted(
        str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()
    )


async def signed_in_twice(api: Api, other_api: Api) -> None:
    """Aarav signs up and signs in from two browsers: ``api`` and ``other_api``."""
    await api.new_resident(MOBILE, "aarav")
    await other_api.log_in("aarav")


async def sessions_of(api: Api) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = (await api(MY_SESSIONS))["me"]["sessions"]
    return result


async def test_forgot_username_shows_it_after_the_code(api: Api) -> None:
    await api.sign_up(MOBILE, "aarav")

    started = (await api(START_USERNAME_RECOVERY, mobile="+91 98100 12345"))[
        "startUsernameRecovery"
    ]
    recovered = await api(
        CONFIRM_USERNAME_RECOVERY,
        challengeId=started["challengeId"],
        otp=api.sms.last_otp(MOBILE),
    )

    assert recovered["confirmUsernameRecovery"] == {"username": "aarav"}


async def test_recovery_of_an_unknown_mobile_answers_like_a_known_one(
    api: Api,
) -> None:
    await api.sign_up(MOBILE, "aarav")

    known = (await api(START_USERNAME_RECOVERY, mobile=MOBILE))["startUsernameRecovery"]
    code = api.sms.last_otp(MOBILE)
    unknown = (await api(START_USERNAME_RECOVERY, mobile=UNKNOWN_MOBILE))[
        "startUsernameRecovery"
    ]
    on_known = await api(
        CONFIRM_USERNAME_RECOVERY, challengeId=known["challengeId"], otp=wrong(code)
    )
    on_unknown = await api(
        CONFIRM_USERNAME_RECOVERY, challengeId=unknown["challengeId"], otp=code
    )

    assert set(known) == set(unknown) == {"challengeId", "expiresAt"}
    assert known["expiresAt"] == unknown["expiresAt"]
    assert on_known == on_unknown
    assert on_known["confirmUsernameRecovery"]["code"] == "OTP_INVALID"
    assert all(message.mobile != UNKNOWN_MOBILE for message in api.sms.messages)


async def test_password_reset_of_an_unknown_username_answers_like_a_known_one(
    api: Api,
) -> None:
    await api.sign_up(MOBILE, "aarav")

    known = (await api(START_PASSWORD_RESET, identifier="aarav"))["startPasswordReset"]
    code = api.sms.last_otp(MOBILE)
    unknown = (await api(START_PASSWORD_RESET, identifier="nobody.here"))[
        "startPasswordReset"
    ]
    answers = [
        await api(
            COMPLETE_PASSWORD_RESET,
            challengeId=started["challengeId"],
            otp=otp,
            newPassword=NEW_PASSWORD,
        )
        for started, otp in ((known, wrong(code)), (unknown, code))
    ]

    assert set(known) == set(unknown)
    assert answers[0] == answers[1]
    assert answers[0]["completePasswordReset"]["code"] == "OTP_INVALID"


async def test_password_reset_signs_out_every_session(api: Api, other_api: Api) -> None:
    await signed_in_twice(api, other_api)
    anonymous = Api(app_transport=api.app_transport, sms=api.sms)

    started = (await anonymous(START_PASSWORD_RESET, identifier=MOBILE))[
        "startPasswordReset"
    ]
    reset = await anonymous(
        COMPLETE_PASSWORD_RESET,
        challengeId=started["challengeId"],
        otp=api.sms.last_otp(MOBILE),
        newPassword=NEW_PASSWORD,
    )

    assert reset["completePasswordReset"] == {"signedOutSessions": 2}
    for browser in (api, other_api):
        assert (await browser(ME))["me"]["code"] == "NOT_AUTHENTICATED"
    await anonymous.log_in("aarav", NEW_PASSWORD)
    assert (await anonymous(ME))["me"]["username"] == "aarav"


async def test_weak_new_password_is_refused_with_the_reason(api: Api) -> None:
    await api.sign_up(MOBILE, "aarav")
    started = (await api(START_PASSWORD_RESET, identifier="aarav"))[
        "startPasswordReset"
    ]

    refused = await api(
        COMPLETE_PASSWORD_RESET,
        challengeId=started["challengeId"],
        otp=api.sms.last_otp(MOBILE),
        newPassword="password",
    )

    problem = refused["completePasswordReset"]
    assert (problem["code"], problem["field"]) == ("WEAK_PASSWORD", "newPassword")
    assert problem["message"].startswith("Choose a stronger password.")


async def test_change_password_with_a_wrong_current_one_is_refused(
    api: Api,
) -> None:
    await api.new_resident(MOBILE, "aarav")

    refused = await api(
        CHANGE_PASSWORD, currentPassword="not-my-password-1", newPassword=NEW_PASSWORD
    )

    problem = refused["changePassword"]
    assert (problem["code"], problem["field"]) == (
        "INVALID_CREDENTIALS",
        "currentPassword",
    )
    await api.log_in("aarav", PASSWORD)


async def test_change_password_keeps_this_session_and_signs_out_the_other(
    api: Api, other_api: Api
) -> None:
    await signed_in_twice(api, other_api)

    changed = await api(
        CHANGE_PASSWORD, currentPassword=PASSWORD, newPassword=NEW_PASSWORD
    )

    assert changed["changePassword"] == {"signedOutSessions": 1}
    assert (await api(ME))["me"]["username"] == "aarav"
    assert (await other_api(ME))["me"]["code"] == "NOT_AUTHENTICATED"
    assert "password was changed" in api.sms.last_to(MOBILE)


async def test_change_password_needs_a_session(api: Api) -> None:
    refused = await api(
        CHANGE_PASSWORD, currentPassword=PASSWORD, newPassword=NEW_PASSWORD
    )

    assert refused["changePassword"]["code"] == "NOT_AUTHENTICATED"


async def test_mobile_change_needs_the_codes_of_both_numbers(
    api: Api, other_api: Api
) -> None:
    await signed_in_twice(api, other_api)

    started = (await api(START_MOBILE_CHANGE, newMobile=NEW_MOBILE))[
        "startMobileChange"
    ]
    old_code, new_code = api.sms.last_otp(MOBILE), api.sms.last_otp(NEW_MOBILE)
    with_wrong_new = await api(
        CONFIRM_MOBILE_CHANGE,
        challengeId=started["challengeId"],
        currentMobileOtp=old_code,
        newMobileOtp=wrong(new_code),
    )
    changed = await api(
        CONFIRM_MOBILE_CHANGE,
        challengeId=started["challengeId"],
        currentMobileOtp=old_code,
        newMobileOtp=new_code,
    )

    assert started["currentMobileSentTo"] == "XXXXXX2345"
    assert started["newMobileSentTo"] == "XXXXXX4567"
    problem = with_wrong_new["confirmMobileChange"]
    assert (problem["code"], problem["field"]) == ("OTP_INVALID", "newMobileOtp")
    assert changed["confirmMobileChange"] == {
        "mobile": NEW_MOBILE,
        "signedOutSessions": 1,
    }
    assert (await api(ME))["me"]["mobile"] == NEW_MOBILE
    assert (await other_api(ME))["me"]["code"] == "NOT_AUTHENTICATED"
    await other_api.log_in(NEW_MOBILE)


async def test_mobile_change_to_a_registered_number_is_not_revealed(
    api: Api, other_api: Api
) -> None:
    await api.new_resident(MOBILE, "aarav")
    await other_api.sign_up(NEW_MOBILE, "rohan")

    started = (await api(START_MOBILE_CHANGE, newMobile=NEW_MOBILE))[
        "startMobileChange"
    ]
    refused = await api(
        CONFIRM_MOBILE_CHANGE,
        challengeId=started["challengeId"],
        currentMobileOtp=api.sms.last_otp(MOBILE),
        newMobileOtp="123456",
    )

    assert set(started) == {
        "challengeId",
        "currentMobileSentTo",
        "newMobileSentTo",
        "expiresAt",
    }
    assert refused["confirmMobileChange"]["code"] == "OTP_INVALID"
    assert "already has an account" in api.sms.last_to(NEW_MOBILE)
    assert (await api(ME))["me"]["mobile"] == MOBILE


async def test_sessions_are_listed_with_the_current_one_marked(
    api: Api, other_api: Api, clock: FrozenClock
) -> None:
    await api.new_resident(MOBILE, "aarav")
    clock.advance(60)
    await other_api.log_in("aarav")

    listed = await sessions_of(api)

    assert [session["isCurrent"] for session in listed] == [False, True]
    assert all(session["active"] for session in listed)
    assert {session["clientAddress"] for session in listed} == {"127.0.0.1"}
    assert all(session["userAgent"] for session in listed)
    assert listed[0]["createdAt"] > listed[1]["createdAt"]


async def test_ending_another_session_stops_its_token_at_once(
    api: Api, other_api: Api
) -> None:
    await signed_in_twice(api, other_api)
    (other,) = [
        session for session in await sessions_of(api) if not session["isCurrent"]
    ]

    ended = await api(END_SESSION, sessionId=other["id"])

    assert ended["endSession"]["session"]["id"] == other["id"]
    assert ended["endSession"]["session"]["active"] is False
    assert (await other_api(ME))["me"]["code"] == "NOT_AUTHENTICATED"
    assert (await api(ME))["me"]["username"] == "aarav"
    listed = {session["id"]: session for session in await sessions_of(api)}
    assert listed[other["id"]]["active"] is False
    assert listed[other["id"]]["endedAt"] is not None


async def test_ending_someone_elses_session_is_not_found(
    api: Api, other_api: Api
) -> None:
    await api.new_resident(MOBILE, "aarav")
    await other_api.new_resident(NEW_MOBILE, "rohan")
    (rohans,) = await sessions_of(other_api)

    refused = await api(END_SESSION, sessionId=rohans["id"])
    malformed = await api(END_SESSION, sessionId="not-a-session")

    assert refused["endSession"]["code"] == "SESSION_NOT_FOUND"
    assert malformed["endSession"]["code"] == "SESSION_NOT_FOUND"
    assert (await other_api(ME))["me"]["username"] == "rohan"


async def test_ending_the_other_sessions_keeps_this_one(
    api: Api, other_api: Api
) -> None:
    await signed_in_twice(api, other_api)

    ended = await api(END_OTHER_SESSIONS)

    assert ended["endOtherSessions"] == {"signedOutSessions": 1}
    assert (await other_api(ME))["me"]["code"] == "NOT_AUTHENTICATED"
    assert (await api(ME))["me"]["username"] == "aarav"


async def test_security_events_come_newest_first_in_pages(
    api: Api, other_api: Api, clock: FrozenClock
) -> None:
    await signed_in_twice(api, other_api)
    clock.advance(60)
    await api(CHANGE_PASSWORD, currentPassword=PASSWORD, newPassword=NEW_PASSWORD)
    clock.advance(60)
    await other_api.log_in("aarav", NEW_PASSWORD)
    clock.advance(60)
    await api(END_OTHER_SESSIONS)

    everything = (await api(MY_SECURITY_EVENTS, first=100))["me"]["securityEvents"]
    first = (await api(MY_SECURITY_EVENTS, first=2))["me"]["securityEvents"]
    rest = (
        await api(MY_SECURITY_EVENTS, first=100, after=first["pageInfo"]["endCursor"])
    )["me"]["securityEvents"]

    newest = [edge["node"] for edge in everything["edges"]]
    assert [event["kind"] for event in newest[:2]] == [
        "OTHER_SESSIONS_ENDED",
        "LOGGED_IN",
    ]
    assert "PASSWORD_CHANGED" in [event["kind"] for event in newest]
    times = [event["occurredAt"] for event in newest]
    assert times == sorted(times, reverse=True)
    assert [edge["node"] for edge in first["edges"] + rest["edges"]] == newest
    assert first["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False
    assert first["totalCount"] == everything["totalCount"] == len(newest)
    assert newest[0]["detail"] == "1 other session signed out."
    assert newest[0]["clientAddress"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"first": 5, "after": "not a cursor"}, "INVALID_CURSOR"),
        ({"first": 0}, "INVALID_ARGUMENT"),
        ({"first": 101}, "INVALID_ARGUMENT"),
    ],
)
async def test_a_bad_page_of_security_events_is_refused_with_its_code(
    api: Api, client: httpx.AsyncClient, variables: dict[str, Any], code: str
) -> None:
    await api.new_resident(MOBILE, "aarav")

    response = await client.post(
        "/graphql",
        json={"query": MY_SECURITY_EVENTS, "variables": variables},
        headers={"authorization": f"Bearer {api.token}"},
    )
    result = response.json()

    assert result["data"]["me"] == {"securityEvents": None}
    assert result["errors"][0]["extensions"]["code"] == code


async def test_closing_the_account_erases_it_and_keeps_a_bare_record(
    api: Api, settings: Settings
) -> None:
    await api.new_resident(MOBILE, "aarav", aadhaar_of="Aarav Sharma")
    await api.pull("in.gov.cbse", "HSCER", rollNumber="16612345", year="2024")
    account = await Account.get(username="aarav")
    assert stored_files(settings.objects_dir), "the pull cached a rendition"

    started = (await api(START_ACCOUNT_CLOSURE))["startAccountClosure"]
    closed = await api(
        CONFIRM_ACCOUNT_CLOSURE,
        challengeId=started["challengeId"],
        otp=api.sms.last_otp(MOBILE),
    )

    assert started["sentTo"] == "XXXXXX2345"
    assert "closedAt" in closed["confirmAccountClosure"]
    assert (await api(ME))["me"]["code"] == "NOT_AUTHENTICATED"
    for model in (Account, Session, OtpChallenge, SecurityEvent, IssuedDocument):
        assert await model.all().count() == 0, model.__name__
    kept = await ClosedAccount.all().values("id", "created_at")
    assert kept == [{"id": account.id, "created_at": account.created_at}]
    assert stored_files(settings.objects_dir) == []


async def test_a_closed_accounts_mobile_and_aadhaar_can_sign_up_again(
    api: Api, clock: FrozenClock
) -> None:
    await api.new_resident(MOBILE, "aarav", aadhaar_of="Aarav Sharma")
    started = (await api(START_ACCOUNT_CLOSURE))["startAccountClosure"]
    await api(
        CONFIRM_ACCOUNT_CLOSURE,
        challengeId=started["challengeId"],
        otp=api.sms.last_otp(MOBILE),
    )

    clock.advance(3600)
    await api.new_resident(MOBILE, "aarav", aadhaar_of="Aarav Sharma")

    assert (await api(ME))["me"] == {"username": "aarav", "mobile": MOBILE}


async def test_closing_needs_the_right_code(api: Api) -> None:
    await api.new_resident(MOBILE, "aarav")
    started = (await api(START_ACCOUNT_CLOSURE))["startAccountClosure"]

    refused = await api(
        CONFIRM_ACCOUNT_CLOSURE,
        challengeId=started["challengeId"],
        otp=wrong(api.sms.last_otp(MOBILE)),
    )

    assert refused["confirmAccountClosure"]["code"] == "OTP_INVALID"
    assert (await api(ME))["me"]["username"] == "aarav"


def test_every_security_event_kind_has_a_graphql_value() -> None:
    shown_as = {
        kind.name: SecurityEventKindValue(kind.value).name for kind in SecurityEventKind
    }

    assert shown_as == {kind.name: kind.name for kind in SecurityEventKind}
    assert len(SecurityEventKindValue) == len(SecurityEventKind)
