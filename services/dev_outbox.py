"""Development only: keep the last SMS messages so that they can be read over HTTP."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from services.clock import Clock
from services.sms import SmsSender


@dataclass(frozen=True)
class OutboxMessage:
    mobile: str
    text: str
    sent_at: str


class OutboxSmsSender:
    """Sends through ``inner`` (the log sender) and keeps the last ``keep`` messages.

    The server mounts ``/dev/sms`` over it outside production, so the demo and a
    developer without a phone can read their OTPs.
    """

    def __init__(self, inner: SmsSender, clock: Clock, keep: int = 50) -> None:
        self._inner = inner
        self._clock = clock
        self.messages: deque[OutboxMessage] = deque(maxlen=keep)

    async def send(self, mobile: str, text: str) -> None:
        await self._inner.send(mobile, text)
        self.messages.append(
            OutboxMessage(
                mobile=mobile, text=text, sent_at=self._clock.now().isoformat()
            )
        )
