"""A resident's sessions listed and ended, and their security log paged."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from config.settings import Settings
from models import SecurityEvent, Session
from services.accounts import AccountService
from services.clock import FrozenClock
from services.errors import InvalidCursor, NotAuthenticated, SessionNotFound
from services.security_events import ClientInfo, SecurityEventKind, SecurityLog
from services.sessions import SessionService

from .helpers import PASSWORD, SignUp

LAPTOP = {"client_address": "203.0.113.7", "user_agent": "Firefox/140.0"}
PHONE = {"client_address": "198.51.100.4", "user_agent": "Mobile Safari/18"}
CLIENT = ClientInfo(address="203.0.113.7", user_agent="Firefox/140.0")


@pytest.fixture
def sessions(
    settings: Settings, accounts: AccountService, clock: FrozenClock
) -> SessionService:
    return SessionService(settings, accounts.security, clock)


async def test_sessions_are_listed_newest_first_with_the_current_one_marked(
    sessions: SessionService,
    accounts: AccountService,
    sign_up: SignUp,
    clock: FrozenClock,
) -> None:
    account = await sign_up(username="aarav")
    laptop, _ = await accounts.log_in("aarav", PASSWORD, **LAPTOP)
    clock.advance(60)
    phone, _ = await accounts.log_in("aarav", PASSWORD, **PHONE)

    listed = await sessions.list_sessions(account, current=laptop.id)

    assert [view.session.id for view in listed] == [phone.id, laptop.id]
    assert [view.is_current for view in listed] == [False, True]
    assert all(view.active and view.ended_at is None for view in listed)
    assert listed[0].session.client_address == "198.51.100.4"
    assert listed[0].session.user_agent == "Mobile Safari/18"
    assert listed[0].session.created_at == clock.now()


async def test_a_session_is_listed_active_until_its_idle_limit_passes(
    sessions: SessionService,
    accounts: AccountService,
    sign_up: SignUp,
    clock: FrozenClock,
    settings: Settings,
) -> None:
    account = await sign_up(username="aarav")
    session, _ = await accounts.log_in("aarav", PASSWORD, **LAPTOP)

    clock.advance(settings.session_idle_seconds - 1)
    (before,) = await sessions.list_sessions(account)
    clock.advance(2)
    (after,) = await sessions.list_sessions(account)

    assert before.active
    assert not after.active
    assert after.ended_at == session.last_seen_at + timedelta(
        seconds=settings.session_idle_seconds
    )


async def test_ending_a_session_stops_its_token_at_once(
    sessions: SessionService,
    accounts: AccountService,
    sign_up: SignUp,
    clock: FrozenClock,
) -> None:
    account = await sign_up(username="aarav")
    laptop, laptop_token = await accounts.log_in("aarav", PASSWORD, **LAPTOP)
    phone, phone_token = await accounts.log_in("aarav", PASSWORD, **PHONE)

    ended = await sessions.end_session(
        account, str(phone.id), current=laptop.id, client=CLIENT
    )

    assert not ended.active
    assert ended.ended_at == clock.now()
    with pytest.raises(NotAuthenticated):
        await accounts.authenticate(phone_token)
    await accounts.authenticate(laptop_token)
    event = await SecurityEvent.get(
        account_id=account.id, kind=SecurityEventKind.SESSION_ENDED.value
    )
    assert event.detail == "Signed out Mobile Safari/18 at 198.51.100.4."
    assert event.client_address == "203.0.113.7"


async def test_ending_a_session_twice_records_it_once(
    sessions: SessionService, accounts: AccountService, sign_up: SignUp
) -> None:
    account = await sign_up(username="aarav")
    phone, _ = await accounts.log_in("aarav", PASSWORD, **PHONE)

    await sessions.end_session(account, phone.id)
    again = await sessions.end_session(account, phone.id)

    assert not again.active
    assert (
        await SecurityEvent.filter(
            account_id=account.id, kind=SecurityEventKind.SESSION_ENDED.value
        ).count()
        == 1
    )


@pytest.mark.parametrize("session_id", ["not-a-uuid", str(uuid.uuid4()), ""])
async def test_ending_a_session_that_is_not_yours_is_not_found(
    sessions: SessionService,
    accounts: AccountService,
    sign_up: SignUp,
    session_id: str,
) -> None:
    account = await sign_up(mobile="9810012345", username="aarav")
    await sign_up(mobile="9822034567", username="rohan")
    rohans, rohans_token = await accounts.log_in("rohan", PASSWORD, **PHONE)

    with pytest.raises(SessionNotFound):
        await sessions.end_session(account, session_id)
    with pytest.raises(SessionNotFound) as refused:
        await sessions.end_session(account, rohans.id)

    assert refused.value.field == "sessionId"
    await accounts.authenticate(rohans_token)


async def test_ending_the_other_sessions_keeps_this_one(
    sessions: SessionService, accounts: AccountService, sign_up: SignUp
) -> None:
    account = await sign_up(username="aarav")
    laptop, laptop_token = await accounts.log_in("aarav", PASSWORD, **LAPTOP)
    tokens = [(await accounts.log_in("aarav", PASSWORD, **PHONE))[1] for _ in "ab"]

    ended = await sessions.end_other_sessions(account, current=laptop.id)

    assert ended == 2
    for token in tokens:
        with pytest.raises(NotAuthenticated):
            await accounts.authenticate(token)
    await accounts.authenticate(laptop_token)
    event = await SecurityEvent.get(
        account_id=account.id, kind=SecurityEventKind.OTHER_SESSIONS_ENDED.value
    )
    assert event.detail == "2 other sessions signed out."
    assert await Session.filter(account_id=account.id, ended_at=None).count() == 1


async def test_security_events_come_newest_first_a_page_at_a_time(
    accounts: AccountService, sign_up: SignUp, clock: FrozenClock
) -> None:
    account = await sign_up(username="aarav")
    log: SecurityLog = accounts.security
    await SecurityEvent.filter(account_id=account.id).delete()
    kinds = [
        SecurityEventKind.LOGGED_IN,
        SecurityEventKind.PASSWORD_CHANGED,
        SecurityEventKind.SESSION_ENDED,
        SecurityEventKind.MOBILE_CHANGED,
        SecurityEventKind.LOGIN_FAILED,
    ]
    for kind in kinds:
        clock.advance(1)
        await log.record(account, kind)

    first = await log.events(account, first=2)
    second = await log.events(account, first=2, after=first.end_cursor)
    last = await log.events(account, first=2, after=second.end_cursor)

    pages = [first, second, last]
    listed = [event.kind for page in pages for event in page.items]
    assert listed == [kind.value for kind in reversed(kinds)]
    assert [page.has_next_page for page in pages] == [True, True, False]
    assert {page.total_count for page in pages} == {5}


async def test_events_of_one_instant_are_paged_without_loss_or_repeat(
    accounts: AccountService, sign_up: SignUp
) -> None:
    account = await sign_up(username="aarav")
    log: SecurityLog = accounts.security
    for _ in range(5):
        await log.record(account, SecurityEventKind.LOGIN_FAILED)
    every = await SecurityEvent.filter(account_id=account.id).values_list(
        "id", flat=True
    )

    seen: list[uuid.UUID] = []
    after = None
    while True:
        page = await log.events(account, first=2, after=after)
        seen += [event.id for event in page.items]
        if not page.has_next_page:
            break
        after = page.end_cursor

    assert len(seen) == len(set(seen)) == len(every)
    assert set(seen) == set(every)


async def test_security_events_of_others_are_not_listed(
    accounts: AccountService, sign_up: SignUp
) -> None:
    aarav = await sign_up(mobile="9810012345", username="aarav")
    rohan = await sign_up(mobile="9822034567", username="rohan")
    await accounts.security.record(rohan, SecurityEventKind.PASSWORD_CHANGED)

    page = await accounts.security.events(aarav, first=100)

    assert SecurityEventKind.PASSWORD_CHANGED.value not in {
        event.kind for event in page.items
    }


@pytest.mark.parametrize("cursor", ["not base64!", "bm90IGEgY3Vyc29y", ""])
async def test_a_cursor_the_log_did_not_give_is_refused(
    accounts: AccountService, sign_up: SignUp, cursor: str
) -> None:
    account = await sign_up(username="aarav")

    with pytest.raises(InvalidCursor):
        await accounts.security.events(account, first=10, after=cursor)
