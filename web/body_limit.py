"""Refuse request bodies over a size, while they stream in."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """The request body passed the limit."""


class BodySizeLimit:
    """ASGI middleware: a request whose body passes ``max_bytes`` gets 413.

    The body is counted as it arrives, so a client cannot make the server read
    (or hold) more than the limit, whatever its Content-Length says. Paths
    under ``exempt_prefixes`` are routes that stream their bodies and bound
    them themselves (the upload route, whose limit is per upload).
    """

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, exempt_prefixes: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith(
            self.exempt_prefixes
        ):
            await self.app(scope, receive, send)
            return

        declared = dict(scope["headers"]).get(b"content-length")
        if (
            declared is not None
            and declared.isdigit()
            and int(declared) > self.max_bytes
        ):
            await self._refuse(scope, receive, send)
            return

        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted_receive, send)
        except BodyTooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {
                "code": "REQUEST_TOO_LARGE",
                "message": f"The request body is over {self.max_bytes} bytes.",
            },
            status_code=413,
        )
        await response(scope, receive, send)
