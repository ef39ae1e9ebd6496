"""What a signed-in resident does about their account's security.

Password and mobile changes, their sessions, their security log, and closing
the account. Every mutation here acts on the signed-in resident only.
"""

from __future__ import annotations

from models import Account, ClosedAccount, OtpChallenge
from resolvers.context import LockerContext
from services.errors import InvalidArgument
from services.security_events import EventPage
from services.sessions import SessionView

MOST_EVENTS_PER_PAGE = 100


async def change_password(
    context: LockerContext, current_password: str, new_password: str
) -> int:
    account = await context.resident()
    session = await context.session()
    return await context.services.account_changes.change_password(
        account,
        current_password,
        new_password,
        current_session=session.id,
        client=context.client,
    )


async def start_mobile_change(
    context: LockerContext, new_mobile: str
) -> tuple[OtpChallenge, OtpChallenge]:
    account = await context.resident()
    return await context.services.account_changes.start_mobile_change(
        account, new_mobile, client=context.client
    )


async def confirm_mobile_change(
    context: LockerContext,
    challenge_id: str,
    current_mobile_otp: str,
    new_mobile_otp: str,
) -> tuple[Account, int]:
    account = await context.resident()
    session = await context.session()
    ended = await context.services.account_changes.confirm_mobile_change(
        account,
        challenge_id,
        current_mobile_otp,
        new_mobile_otp,
        current_session=session.id,
        client=context.client,
    )

    return account, ended


async def sessions(context: LockerContext, account: Account) -> list[SessionView]:
    """``account``'s sessions; it was reached through an authorised path."""
    return await context.services.sessions.list_sessions(
        account, current=context.session_id
    )


async def end_session(context: LockerContext, session_id: str) -> SessionView:
    account = await context.resident()
    return await context.services.sessions.end_session(
        account, session_id, current=context.session_id, client=context.client
    )


async def end_other_sessions(context: LockerContext) -> int:
    account = await context.resident()
    session = await context.session()
    return await context.services.sessions.end_other_sessions(
        account, current=session.id, client=context.client
    )


async def security_events(
    context: LockerContext, account: Account, first: int, after: str | None
) -> EventPage:
    """``account``'s security log; it was reached through an authorised path."""
    if not 1 <= first <= MOST_EVENTS_PER_PAGE:
        raise InvalidArgument(
            f"Ask for between 1 and {MOST_EVENTS_PER_PAGE} events at a time.",
            field="first",
        )
    return await context.services.security.events(account, first=first, after=after)


async def start_account_closure(context: LockerContext) -> OtpChallenge:
    account = await context.resident()
    return await context.services.closure.start(
        account, client_address=context.client.address
    )


async def confirm_account_closure(
    context: LockerContext, challenge_id: str, otp: str
) -> ClosedAccount:
    account = await context.resident()
    return await context.services.closure.confirm(account, challenge_id, otp)
