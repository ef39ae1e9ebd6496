"""The resident's security log: events recorded, shown, and noticed by SMS."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from tortoise.expressions import Q

from models import Account, SecurityEvent
from services.clock import Clock
from services.paging import decode_cursor, encode_cursor
from services.sms import SmsSender

logger = logging.getLogger(__name__)


class SecurityEventKind(enum.StrEnum):
    """What happened; the GraphQL enum of the same name lists them for clients."""

    SIGNED_UP = "signed_up"
    LOGGED_IN = "logged_in"
    LOGIN_FAILED = "login_failed"
    LOCKED_OUT = "locked_out"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name
    PASSWORD_RESET = "password_reset"  # noqa: S105 - an event name
    USERNAME_RECOVERED = "username_recovered"
    MOBILE_CHANGED = "mobile_changed"
    AADHAAR_LINKED = "aadhaar_linked"
    SESSION_ENDED = "session_ended"
    OTHER_SESSIONS_ENDED = "other_sessions_ended"


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from, as the resident will see it in the log."""

    address: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class EventPage:
    """One page of an account's security events, newest first."""

    items: list[SecurityEvent]
    cursors: list[str]
    end_cursor: str | None
    has_next_page: bool
    total_count: int


class SecurityLog:
    """Records events on accounts and sends the resident a notice when asked."""

    def __init__(self, sms: SmsSender, clock: Clock) -> None:
        self._sms = sms
        self._clock = clock

    async def record(
        self,
        account: Account,
        kind: SecurityEventKind,
        *,
        client: ClientInfo | None = None,
        detail: str = "",
        notice: str | None = None,
    ) -> SecurityEvent:
        """Append an event; with ``notice``, also text it to the account's mobile.

        ``detail`` and ``notice`` are shown to the resident: never put a secret
        in them.
        """
        client = client or ClientInfo()
        event = await SecurityEvent.create(
            account=account,
            kind=kind.value,
            created_at=self._clock.now(),
            client_address=client.address[:64],
            user_agent=client.user_agent[:256],
            detail=detail[:200],
        )
        logger.info(
            "Security event %s", kind.value, extra={"account_id": str(account.id)}
        )
        if notice is not None:
            await self._sms.send(account.mobile, notice)

        return event

    async def events(
        self, account: Account, *, first: int, after: str | None = None
    ) -> EventPage:
        """The account's events, newest first, ``first`` at a time.

        ``after`` is a cursor from an earlier page; one this log did not give
        raises ``InvalidCursor``. Events recorded in the same instant keep a
        stable order (by id), so no event is skipped or repeated between pages.
        """
        query = SecurityEvent.filter(account_id=account.id)
        total = await query.count()
        if after is not None:
            created_at, event_id = decode_cursor(after)
            query = query.filter(
                Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=event_id)
            )
        rows = await query.order_by("-created_at", "-id").limit(first + 1)

        items = rows[:first]
        return EventPage(
            items=items,
            cursors=[encode_cursor(item.created_at, item.id) for item in items],
            end_cursor=encode_cursor(items[-1].created_at, items[-1].id)
            if items
            else None,
            has_next_page=len(rows) > first,
            total_count=total,
        )
