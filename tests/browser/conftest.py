"""Fixtures for tests in a real browser: headless Chromium and a real server.

Chromium is Debian's (``/usr/bin/chromium``, installed by
``scripts/browser.sh``, which ``scripts/test.sh`` runs); Playwright drives it
and never downloads a browser of its own. The server is ``python -m cli
serve`` in its own process, on the test's database, so the browser reaches it
over a socket as a resident's would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.support.locker import Resident, resident_with_documents
from tests.support.server import RunningServer, running_server

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, which Playwright is told to drive."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/browser.sh (scripts/test.sh does) "
            "to install Debian's chromium"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    """Headless Chromium, one for the whole run."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile: no cookies from another test."""
    fresh = await browser.new_context()
    try:
        yield fresh
    finally:
        await fresh.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


@pytest.fixture
def locker(
    tmp_path: Path, database_url: str, keys_dir: Path, db: None
) -> Iterator[RunningServer]:
    """``python -m cli serve`` on a free port, on the test's database."""
    with running_server(
        database_url=database_url,
        data_dir=tmp_path / "data",
        keys_dir=keys_dir,
        log_path=tmp_path / "server.log",
    ) as server:
        yield server


@pytest.fixture
async def resident(locker: RunningServer) -> Resident:
    """A resident of that server with a Class XII marksheet, a driving licence
    and a PAN card in their locker."""
    return await resident_with_documents(locker)
