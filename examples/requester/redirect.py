"""Catching the locker's redirect back to a requester on a loopback address.

A requester that is a program on someone's machine (RFC 8252), or one under
development, registers ``http://127.0.0.1:<port>/<path>`` as its redirect URI
and listens there itself; the browser is sent to it with the code (or the
error) once the resident decided.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
THANKS = (
    b"<!doctype html><meta charset=utf-8><title>Done</title><p>Thank you. You can "
    b"close this tab and go back to the application.</p>"
)


@contextmanager
def catching_redirect(redirect_uri: str) -> Iterator[asyncio.Future[str]]:
    """Listen on the loopback redirect URI; the future gets the first redirect.

    Raises ``ValueError`` for a redirect URI that is not http on loopback. A
    person's browser (or the test's) is sent there by the locker; the page
    it shows tells the person to go back to the program.
    """
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(
            "This example catches the redirect itself, so its redirect URI must "
            f"be http on 127.0.0.1 or localhost, with a port; got {redirect_uri}."
        )
    loop = asyncio.get_running_loop()
    arrived: asyncio.Future[str] = loop.create_future()

    def deliver(url: str) -> None:
        if not arrived.done():
            arrived.set_result(url)

    class RedirectHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if urlsplit(self.path).path != (parts.path or "/"):
                self.send_error(404)
                return
            loop.call_soon_threadsafe(
                deliver, f"{parts.scheme}://{parts.netloc}{self.path}"
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(THANKS)))
            self.send_header("Referrer-Policy", "no-referrer")
            self.end_headers()
            self.wfile.write(THANKS)

        def log_message(self, format: str, *args: Any) -> None:
            """Print nothing: the query holds the authorization code."""

    server = ThreadingHTTPServer((parts.hostname, parts.port or 80), RedirectHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield arrived
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
