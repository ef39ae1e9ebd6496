"""A resident's own view of their sessions: list them, end one, end the others.

``AccountService`` starts sessions and recognises their tokens; this module is
what the resident does with them afterwards, and the one place that ends many
sessions at once (``end_sessions``), which password and mobile changes reuse
inside their own transactions. Every ended session keeps its row, with the
time and the reason it ended, so the resident can still see it in the list.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from config.settings import Settings
from models import Account, Session
from services.clock import Clock
from services.errors import SessionNotFound
from services.security_events import ClientInfo, SecurityEventKind, SecurityLog

logger = logging.getLogger(__name__)

# Why a session ended, as ``Session.end_reason`` keeps it (at most 16 characters).
# ``AccountService`` owns "logout" and "expired".
ENDED_BY_RESIDENT = "ended_by_owner"
ENDED_BY_PASSWORD_RESET = "password_reset"  # noqa: S105 - a reason, not a secret
ENDED_BY_PASSWORD_CHANGE = "password_changed"  # noqa: S105 - a reason, not a secret
ENDED_BY_MOBILE_CHANGE = "mobile_changed"

# The list shows the most recent sessions only: a resident who signs in daily
# would otherwise page through years of ended ones.
MOST_SESSIONS_LISTED = 50


@dataclass(frozen=True)
class SessionView:
    """A session as its resident sees it.

    ``active`` is false once the session ended, and also once it outlived its
    idle limit or lifetime even if no request has come since to mark it ended;
    ``ended_at`` is then the moment it lapsed.
    """

    session: Session
    is_current: bool
    active: bool
    ended_at: datetime | None


async def end_sessions(
    account: Account,
    *,
    reason: str,
    now: datetime,
    keep: uuid.UUID | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> int:
    """End every open session of ``account`` but ``keep``; answer how many ended.

    Pass ``using_db`` to end them inside the caller's transaction, so that a
    password change and the sign-out it causes happen together or not at all.
    """
    open_sessions = Session.filter(account_id=account.id, ended_at__isnull=True)
    if keep is not None:
        open_sessions = open_sessions.exclude(id=keep)
    if using_db is not None:
        open_sessions = open_sessions.using_db(using_db)

    ended = await open_sessions.update(ended_at=now, end_reason=reason)
    if ended:
        logger.info(
            "Sessions ended (%s): %d",
            reason,
            ended,
            extra={"account_id": str(account.id)},
        )

    return ended


def describe(session: Session) -> str:
    """The session in a few words for the security log: browser and address."""
    user_agent = session.user_agent or "an unknown browser"
    if session.client_address:
        return f"{user_agent} at {session.client_address}"

    return user_agent


class SessionService:
    """Lists a resident's sessions and ends them on the resident's word."""

    def __init__(self, settings: Settings, security: SecurityLog, clock: Clock) -> None:
        self.settings = settings
        self.security = security
        self.clock = clock

    async def list_sessions(
        self, account: Account, *, current: uuid.UUID | None = None
    ) -> list[SessionView]:
        """The account's latest sessions, newest first, ended ones included.

        ``current`` is the id of the session asking, marked ``is_current``.
        """
        sessions = (
            await Session.filter(account_id=account.id)
            .order_by("-created_at", "-id")
            .limit(MOST_SESSIONS_LISTED)
        )

        return [self._view(session, current) for session in sessions]

    async def end_session(
        self,
        account: Account,
        session_id: uuid.UUID | str,
        *,
        current: uuid.UUID | None = None,
        client: ClientInfo | None = None,
    ) -> SessionView:
        """End one of the account's sessions; its token stops working at once.

        Raises ``SessionNotFound`` for an id that is not one of this account's
        sessions, whoever's it is. Ending a session that already ended is
        harmless and records nothing.
        """
        session = await self._own_session(account, session_id)

        now = self.clock.now()
        ended = await Session.filter(id=session.id, ended_at__isnull=True).update(
            ended_at=now, end_reason=ENDED_BY_RESIDENT
        )
        if ended:
            session.ended_at = now
            session.end_reason = ENDED_BY_RESIDENT
            await self.security.record(
                account,
                SecurityEventKind.SESSION_ENDED,
                client=client,
                detail=f"Signed out {describe(session)}.",
            )

        return self._view(session, current)

    async def end_other_sessions(
        self,
        account: Account,
        *,
        current: uuid.UUID,
        client: ClientInfo | None = None,
    ) -> int:
        """End every open session of the account but ``current``; answer how many."""
        ended = await end_sessions(
            account, reason=ENDED_BY_RESIDENT, now=self.clock.now(), keep=current
        )
        await self.security.record(
            account,
            SecurityEventKind.OTHER_SESSIONS_ENDED,
            client=client,
            detail=f"{signed_out(ended).capitalize()}.",
        )

        return ended

    async def _own_session(
        self, account: Account, session_id: uuid.UUID | str
    ) -> Session:
        try:
            parsed_id = uuid.UUID(str(session_id))
        except ValueError:
            parsed_id = None
        session = None
        if parsed_id is not None:
            session = await Session.get_or_none(id=parsed_id, account_id=account.id)

        if session is None:
            raise SessionNotFound(
                "You have no session with this id; list your sessions and pick "
                "one from there.",
                field="sessionId",
            )

        return session

    def _view(self, session: Session, current: uuid.UUID | None) -> SessionView:
        # The same limits ``AccountService.authenticate`` applies to a token.
        idle_until = session.last_seen_at + timedelta(
            seconds=self.settings.session_idle_seconds
        )
        now = self.clock.now()
        ended_at = session.ended_at
        if ended_at is None and (now > idle_until or now >= session.expires_at):
            ended_at = min(idle_until, session.expires_at)

        return SessionView(
            session=session,
            is_current=session.id == current,
            active=ended_at is None,
            ended_at=ended_at,
        )


def signed_out(count: int) -> str:
    """``count`` other sessions ended, in words: "1 other session signed out"."""
    sessions = "session" if count == 1 else "sessions"

    return f"{count} other {sessions} signed out"
