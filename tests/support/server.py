"""A real ``python -m cli serve`` process, for tests that speak HTTP to it.

The demo and the browser tests use it: they reach the server as a resident's
browser or a requester's program would, over a socket, rather than through the
app in-process. The server shares the test's database (``database_url``), so a
test's ``db`` fixture empties what it wrote.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[2]
STARTUP_SECONDS = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class RunningServer:
    """A server answering at ``url``; ``environment`` is what it was started
    with, for running other ``python -m cli`` commands against the same data."""

    url: str
    environment: Mapping[str, str]


@contextmanager
def running_server(
    *,
    database_url: str,
    data_dir: Path,
    keys_dir: Path,
    log_path: Path,
    settings: Mapping[str, str] | None = None,
) -> Iterator[RunningServer]:
    """Serve on a free port until the block ends; ``settings`` adds variables.

    Raises ``RuntimeError`` with the server's log when it does not answer
    ``/healthz`` within a minute or exits first.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOCKER_DATA_DIR": str(data_dir),
        "LOCKER_ISSUER_KEYS_DIR": str(keys_dir),
        "LOCKER_PORT": str(port),
        "LOCKER_PUBLIC_URL": url,
        "LOCKER_SMS_SENDER": "log",
        **(settings or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(url, process, log_path)
            yield RunningServer(url=url, environment=environment)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_healthy(
    url: str, process: subprocess.Popen[bytes], log_path: Path
) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("server did not start:\n" + log_path.read_text())
        time.sleep(0.2)
