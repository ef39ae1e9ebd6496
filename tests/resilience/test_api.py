"""What a frontend sees when an issuer is down: a stable code, or a stale copy.

The app here serves one issuer, the flaky board, and Aarav Sharma pulls his
marksheet from it while it answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.registry import AdapterRegistry
from config.settings import Settings
from services.clock import FrozenClock
from services.sms import MemorySmsSender
from tests.api.conftest import Api
from tests.conftest import empty_tables
from tests.resilience.conftest import (
    ROLL_NUMBER,
    URI,
    BoardKeepingCopies,
    FlakyBoard,
)

# The cache lifetime here: past it the locker asks the issuer again, while a
# PDF link (five minutes) still works.
CACHE_SECONDS = 60
CONTENT = """
query Content($uri: String!) {
  document(uri: $uri) {
    ... on IssuedDocument {
      content {
        ... on DocumentContent { status holderName renderedAt stale xml pdf { url } }
        ... on Problem { code message retryAfterSeconds }
      }
    }
  }
}
"""


async def app_serving(
    adapter: FlakyBoard,
    settings: Settings,
    clock: FrozenClock,
    sms: MemorySmsSender,
) -> AsyncIterator[Api]:
    from app import create_app
    from services.container import build_services

    # One try a read, so that no test waits between tries; two failures rest it.
    settings = settings.model_copy(
        update={
            "issuer_call_attempts": 1,
            "issuer_circuit_failures": 2,
            "document_cache_seconds": CACHE_SECONDS,
        }
    )
    services = build_services(
        settings, clock=clock, sms=sms, registry=AdapterRegistry([(adapter, "tests")])
    )
    app = create_app(settings, services)
    async with app.router.lifespan_context(app):
        try:
            yield Api(app_transport=httpx.ASGITransport(app=app), sms=sms)
        finally:
            await empty_tables()


@pytest.fixture
async def aarav(
    board: FlakyBoard, settings: Settings, clock: FrozenClock, sms: MemorySmsSender
) -> AsyncIterator[Api]:
    """Aarav, signed in, the marksheet in his locker; the board keeps no copies."""
    async for api in app_serving(board, settings, clock, sms):
        await api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")
        await api.pull("in.gov.cbse", "HSCER", rollNumber=ROLL_NUMBER)
        yield api


@pytest.fixture
def keeping() -> BoardKeepingCopies:
    return BoardKeepingCopies()


@pytest.fixture
async def aarav_with_copies(
    keeping: BoardKeepingCopies,
    settings: Settings,
    clock: FrozenClock,
    sms: MemorySmsSender,
) -> AsyncIterator[Api]:
    """The same, from a board that lets the locker show a day-old copy."""
    async for api in app_serving(keeping, settings, clock, sms):
        await api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")
        await api.pull("in.gov.cbse", "HSCER", rollNumber=ROLL_NUMBER)
        yield api


async def content(api: Api) -> dict[str, Any]:
    answer: dict[str, Any] = (await api(CONTENT, uri=URI))["document"]["content"]
    return answer


async def download(api: Api, url: str) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=api.app_transport, base_url="http://testserver"
    ) as http:
        return await http.get(url)


async def test_document_from_a_down_issuer_answers_issuer_unavailable(
    aarav: Api, board: FlakyBoard, clock: FrozenClock
) -> None:
    clock.advance(2 * CACHE_SECONDS)
    board.down = True

    answer = await content(aarav)

    assert answer == {
        "code": "ISSUER_UNAVAILABLE",
        "message": "The board's results server answered 503.",
        "retryAfterSeconds": None,
    }


async def test_pdf_link_answers_503_while_the_issuer_is_down(
    aarav: Api, board: FlakyBoard, clock: FrozenClock
) -> None:
    link = (await content(aarav))["pdf"]["url"]
    clock.advance(2 * CACHE_SECONDS)
    board.down = True

    pdf = await download(aarav, link)

    assert pdf.status_code == 503
    assert pdf.json()["code"] == "ISSUER_UNAVAILABLE"


async def test_issuer_that_keeps_failing_is_rested_and_says_when_to_retry(
    aarav: Api, board: FlakyBoard, clock: FrozenClock
) -> None:
    clock.advance(2 * CACHE_SECONDS)
    board.down = True
    await content(aarav)
    await content(aarav)
    calls_before = board.calls

    answer = await content(aarav)
    pulled = await aarav.pull("in.gov.cbse", "HSCER", rollNumber=ROLL_NUMBER)

    assert answer["code"] == "ISSUER_UNAVAILABLE"
    assert answer["retryAfterSeconds"] == 30
    assert pulled["code"] == "ISSUER_UNAVAILABLE"
    assert board.calls == calls_before


async def test_fresh_document_is_not_stale(aarav: Api) -> None:
    answer = await content(aarav)

    assert answer["stale"] is False
    assert answer["holderName"] == "Aarav Sharma"


async def test_stale_copy_is_served_marked_while_the_issuer_is_down(
    aarav_with_copies: Api, keeping: BoardKeepingCopies, clock: FrozenClock
) -> None:
    fresh = await content(aarav_with_copies)
    clock.advance(2 * CACHE_SECONDS)
    keeping.down = True

    stale = await content(aarav_with_copies)
    pdf = await download(aarav_with_copies, stale["pdf"]["url"])

    assert stale["stale"] is True
    assert stale["renderedAt"] == fresh["renderedAt"]
    assert stale["xml"] == fresh["xml"]
    assert stale["status"] == "ACTIVE"
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
