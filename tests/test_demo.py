"""The README's promise: the demo completes against a real server over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.journey import DemoFailed, run_demo
from tests.support.server import free_port, running_server


@pytest.fixture
def server(
    tmp_path: Path, database_url: str, keys_dir: Path, db: None
) -> Iterator[str]:
    """``python -m cli serve`` in its own process, on a free port."""
    with running_server(
        database_url=database_url,
        data_dir=tmp_path / "data",
        keys_dir=keys_dir,
        log_path=tmp_path / "server.log",
    ) as running:
        yield running.url


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
        await run_demo(f"http://127.0.0.1:{free_port()}", out=lambda line: None)


async def test_demo_runs_again_with_the_next_demo_resident(server: str) -> None:
    first: list[str] = []
    second: list[str] = []

    await run_demo(server, out=first.append)
    await run_demo(server, out=second.append)

    assert "Rohan Mehta" in "\n".join(first)
    assert "Sneha Patil" in "\n".join(second)
