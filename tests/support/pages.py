"""A web page of another site, served for real on a loopback port.

Routing a made-up address through Playwright is not enough for some checks:
Chromium treats a page it did not fetch from this machine as public, and a
public page may not load anything from 127.0.0.1 at all (its local network
rule), which would hide what the locker's own headers do.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@contextmanager
def serving_page(html: str) -> Iterator[str]:
    """Serve ``html`` at every path of a free port on 127.0.0.1; yield its URL."""
    body = html.encode("utf-8")

    class PageHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test's output is for its own findings."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
