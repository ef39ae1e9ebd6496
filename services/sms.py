"""Sending text messages to residents' mobiles.

Three senders share the ``SmsSender`` protocol: ``LogSmsSender`` for
development, ``MemorySmsSender`` for tests and ``HttpSmsSender`` for a real
gateway. ``sms_sender_from_settings`` picks the one the settings name.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from config.settings import Settings
from services.errors import SmsDeliveryFailed

logger = logging.getLogger(__name__)

_OTP = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")
_GATEWAY_TIMEOUT_SECONDS = 10.0


class SmsSender(Protocol):
    """Something that delivers a text message to an Indian mobile number.

    ``mobile`` is the 10-digit national number; ``text`` is the whole message.
    A sender raises ``SmsDeliveryFailed`` when the message was not accepted.
    """

    async def send(self, mobile: str, text: str) -> None: ...


@dataclass(frozen=True)
class SmsMessage:
    """One message a ``MemorySmsSender`` kept."""

    mobile: str
    text: str


class LogSmsSender:
    """Development sender: writes each message, OTP included, to the server log.

    This is the one deliberate exception to the rule that OTPs never reach a
    log: in development there is no gateway, and the developer reads the code
    from the log to sign in. Production settings refuse this sender.
    """

    async def send(self, mobile: str, text: str) -> None:
        logger.info("SMS to %s: %s", mobile, text)


@dataclass
class MemorySmsSender:
    """Test sender: keeps every message in ``messages`` and sends nothing."""

    messages: list[SmsMessage] = field(default_factory=list)

    async def send(self, mobile: str, text: str) -> None:
        self.messages.append(SmsMessage(mobile=mobile, text=text))

    def last_to(self, mobile: str) -> str:
        """The text of the latest message sent to ``mobile``."""
        for message in reversed(self.messages):
            if message.mobile == mobile:
                return message.text

        raise LookupError(f"no SMS was sent to {mobile}")

    def last_otp(self, mobile: str) -> str:
        """The six-digit code in the latest message sent to ``mobile``."""
        text = self.last_to(mobile)
        match = _OTP.search(text)
        if match is None:
            raise LookupError(f"the latest SMS to {mobile} carries no code")

        return match.group()


class HttpSmsSender:
    """Production sender: posts each message as JSON to an SMS gateway.

    The body is ``{"to": "+91XXXXXXXXXX", "text": "..."}`` with the token as a
    bearer ``Authorization`` header. A connection error, a time-out (10 s) or
    an answer other than 2xx raises ``SmsDeliveryFailed``; neither the number
    nor the text is logged, since the text may carry an OTP. Each message
    opens its own HTTP client, so the sender has nothing to close: OTP traffic
    is too light for connection reuse to matter.
    """

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self._token = token
        self._transport = transport

    async def send(self, mobile: str, text: str) -> None:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        body = {"to": f"+91{mobile}", "text": text}

        try:
            async with httpx.AsyncClient(
                timeout=_GATEWAY_TIMEOUT_SECONDS, transport=self._transport
            ) as client:
                response = await client.post(self.url, json=body, headers=headers)
        except httpx.HTTPError as error:
            logger.warning("SMS gateway unreachable: %s", type(error).__name__)
            raise SmsDeliveryFailed(
                "The text message could not be sent just now; try again in a minute."
            ) from error

        if not response.is_success:
            logger.warning(
                "SMS gateway refused a message: HTTP %d", response.status_code
            )
            raise SmsDeliveryFailed(
                "The text message could not be sent just now; try again in a minute."
            )


def sms_sender_from_settings(settings: Settings) -> SmsSender:
    """The sender ``settings.sms_sender`` names."""
    if settings.sms_sender == "memory":
        return MemorySmsSender()
    if settings.sms_sender == "http":
        if not settings.sms_gateway_url:
            raise ValueError(
                "LOCKER_SMS_SENDER=http needs LOCKER_SMS_GATEWAY_URL to be set"
            )
        token = settings.sms_gateway_token
        return HttpSmsSender(
            settings.sms_gateway_url,
            token.get_secret_value() if token is not None else None,
        )

    return LogSmsSender()
