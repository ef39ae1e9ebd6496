"""The README's promise: the demo completes against a real server over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from demo.journey import DemoFailed, run_demo

ROOT = Path(__file__).parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(
    tmp_path: Path, database_url: str, keys_dir: Path, db: None
) -> Iterator[str]:
    """``python -m cli serve`` in its own process, on a free port."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOCKER_DATA_DIR": str(tmp_path / "data"),
        "LOCKER_ISSUER_KEYS_DIR": str(keys_dir),
        "LOCKER_PORT": str(port),
        "LOCKER_PUBLIC_URL": url,
        "LOCKER_SMS_SENDER": "log",
    }
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "server did not start:\n" + (tmp_path / "server.log").read_text()
                )
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


async def test_demo_completes_against_a_running_server(server: str) -> None:
    lines: list[str] = []

    await run_demo(server, out=lines.append)

    transcript = "\n".join(lines)
    assert "Aadhaar XXXX-XXXX-" in transcript
    assert transcript.count("XML signature valid") == 3
    assert transcript.count("PDF signature valid") == 3
    assert "in.gov.cbse-HSCER-" in transcript
    assert "in.gov.transport-" in transcript
    assert "in.gov.pan-PANCR-" in transcript
    assert "Uploaded Rent agreement.pdf" in transcript
    assert "eSigned after an OTP: Rent agreement (self-attested).pdf" in transcript
    assert "verifies against the locker's CA" in transcript


async def test_demo_fails_clearly_when_no_server_answers() -> None:
    with pytest.raises(DemoFailed, match="cannot reach"):
        await run_demo(f"http://127.0.0.1:{_free_port()}", out=lambda line: None)


async def test_demo_runs_again_with_the_next_demo_resident(server: str) -> None:
    first: list[str] = []
    second: list[str] = []

    await run_demo(server, out=first.append)
    await run_demo(server, out=second.append)

    assert "Rohan Mehta" in "\n".join(first)
    assert "Sneha Patil" in "\n".join(second)
