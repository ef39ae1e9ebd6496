"""A resident's earlier copy, marked stale, while its issuer cannot answer.

The locker renders Aarav Sharma's marksheet once, while the board answers;
its cache lifetime is an hour. Then the board goes down.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from adapters.registry import AdapterRegistry
from adapters.sdk import IssuerAdapter, IssuerUnavailable
from services.clock import FrozenClock
from services.documents.keys import IssuerKeyStore
from services.documents.render import DocumentRenderer
from services.issuers import CallPolicy, IssuerCalls, IssuerResting
from services.locker import Locker
from services.storage import LocalObjectStore
from tests.resilience.conftest import URI, BoardKeepingCopies, FlakyBoard, Waits

HOUR = 3600


def locker_for(
    adapter: IssuerAdapter, keys_dir: Path, tmp_path: Path, clock: FrozenClock
) -> Locker:
    return Locker(
        AdapterRegistry([(adapter, "tests")]),
        DocumentRenderer(IssuerKeyStore(keys_dir, generate=True)),
        LocalObjectStore(tmp_path / "objects"),
        cache_seconds=HOUR,
        clock=clock,
        issuer_calls=IssuerCalls(
            CallPolicy(attempts=1, failure_threshold=2, cooldown_seconds=60),
            clock,
            sleep=Waits(),
        ),
    )


@pytest.fixture
def keeping() -> BoardKeepingCopies:
    return BoardKeepingCopies()


async def test_copy_is_served_marked_stale_while_the_issuer_is_down(
    keeping: BoardKeepingCopies,
    keys_dir: Path,
    tmp_path: Path,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    locker = locker_for(keeping, keys_dir, tmp_path, clock)
    fresh = await locker.content(URI)
    clock.advance(3 * HOUR)
    keeping.down = True

    with caplog.at_level(logging.WARNING, logger="services.locker"):
        served = await locker.content(URI, allow_stale=True)

    assert fresh.stale is False
    assert served.stale is True
    assert served.rendered_at == fresh.rendered_at
    assert served.xml == fresh.xml
    assert served.pdf == fresh.pdf
    assert keeping.calls == 2
    [record] = caplog.records
    assert record.getMessage() == (
        "Serving a stale copy while its issuer is unavailable"
    )
    assert record.__dict__["issuer_id"] == "in.gov.cbse"
    # The log names the issuer, never the document or its holder.
    assert URI not in caplog.text
    assert "Aarav" not in caplog.text


async def test_no_stale_copy_for_an_issuer_that_does_not_allow_one(
    board: FlakyBoard, keys_dir: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    locker = locker_for(board, keys_dir, tmp_path, clock)
    await locker.content(URI)
    clock.advance(3 * HOUR)
    board.down = True

    with pytest.raises(IssuerUnavailable) as raised:
        await locker.content(URI, allow_stale=True)

    assert raised.value.code == "ISSUER_UNAVAILABLE"


async def test_no_stale_copy_older_than_the_issuer_allows(
    keeping: BoardKeepingCopies, keys_dir: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    locker = locker_for(keeping, keys_dir, tmp_path, clock)
    await locker.content(URI)
    clock.advance(keeping.stale_copy_seconds + 1)
    keeping.down = True

    with pytest.raises(IssuerUnavailable):
        await locker.content(URI, allow_stale=True)


async def test_requesters_never_get_a_stale_copy(
    keeping: BoardKeepingCopies, keys_dir: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    locker = locker_for(keeping, keys_dir, tmp_path, clock)
    await locker.content(URI)
    clock.advance(3 * HOUR)
    keeping.down = True

    with pytest.raises(IssuerUnavailable):
        await locker.content(URI)


async def test_stale_copy_is_served_without_calling_a_resting_issuer(
    keeping: BoardKeepingCopies, keys_dir: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    locker = locker_for(keeping, keys_dir, tmp_path, clock)
    await locker.content(URI)
    clock.advance(3 * HOUR)
    keeping.down = True
    for _ in range(2):
        await locker.content(URI, allow_stale=True)
    calls_before = keeping.calls
    with pytest.raises(IssuerResting):
        await locker.content(URI)

    served = await locker.content(URI, allow_stale=True)

    assert served.stale is True
    assert keeping.calls == calls_before


async def test_fresh_copy_replaces_the_stale_one_once_the_issuer_answers(
    keeping: BoardKeepingCopies, keys_dir: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    locker = locker_for(keeping, keys_dir, tmp_path, clock)
    first = await locker.content(URI)
    clock.advance(3 * HOUR)
    keeping.down = True
    await locker.content(URI, allow_stale=True)
    keeping.down = False

    served = await locker.content(URI, allow_stale=True)

    assert served.stale is False
    assert served.rendered_at > first.rendered_at


async def test_pulling_never_settles_for_a_stale_copy(
    keeping: BoardKeepingCopies, keys_dir: Path, tmp_path: Path, clock: FrozenClock
) -> None:
    locker = locker_for(keeping, keys_dir, tmp_path, clock)
    await locker.content(URI)
    keeping.down = True

    with pytest.raises(IssuerUnavailable):
        await locker.content(URI, refresh=True, allow_stale=True)
