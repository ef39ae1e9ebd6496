"""The resident's security log: events recorded, shown, and noticed by SMS."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from models import Account, SecurityEvent
from services.clock import Clock
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
