"""A school board whose results server fails on demand, and the locker around it.

``FlakyBoard`` is a real adapter: the locker calls it through the same guard
as any issuer. A test makes its server fail the next calls, go down, hang, or
hold a call until the test lets it go, and counts the calls that reached it.
The only document is Aarav Sharma's Class XII marksheet (an invented
resident of the sandbox eKYC fixture).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import ClassVar

import anyio
import pytest

from adapters.sdk import (
    DocTypeSpec,
    FindResult,
    Holder,
    Identity,
    IssuerAdapter,
    IssuerUnavailable,
    LookupField,
    Organization,
    RecordNotFound,
    StandardDocument,
)
from tests.documents.samples import CBSE, marksheet

BOARD = "Central Board of Secondary Education"
ROLL_NUMBER = "26104518"
URI = f"in.gov.cbse-HSCER-2024{ROLL_NUMBER}"


class FlakyBoard(IssuerAdapter):
    """The board's results server, whose failures the tests decide."""

    issuer_id: ClassVar[str] = "in.gov.cbse"
    name: ClassVar[str] = BOARD
    organization: ClassVar[Organization] = CBSE
    doc_types: ClassVar[tuple[DocTypeSpec, ...]] = (
        DocTypeSpec(
            code="HSCER",
            name="Class XII Marksheet",
            description="Senior School Certificate Examination marksheet.",
            lookup_fields=(
                LookupField(
                    name="rollNumber",
                    label="Roll number",
                    example="26104518",
                    pattern=r"[0-9]{8}",
                ),
            ),
        ),
    )
    call_timeout_seconds: ClassVar[float] = 5.0

    def __init__(self) -> None:
        self.calls = 0
        self.down = False
        self.hangs = False
        self.gate: anyio.Event | None = None
        self._next_failures: list[Exception] = []

    def fail_next(self, *errors: Exception) -> None:
        """Make the next calls raise ``errors``, one each, then answer again."""
        self._next_failures.extend(errors)

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        await self._serve()
        if lookup["rollNumber"] != ROLL_NUMBER:
            raise RecordNotFound("The board has no result for this roll number.")
        return FindResult(
            uri=URI, holder=Holder(name="Aarav Sharma", dob=date(2006, 3, 14))
        )

    async def fetch(self, uri: str) -> StandardDocument:
        await self._serve()
        if uri != URI:
            raise RecordNotFound("The board has no such marksheet.")
        return marksheet()

    async def _serve(self) -> None:
        self.calls += 1
        if self.hangs:
            await anyio.sleep_forever()
        if self.gate is not None:
            await self.gate.wait()
        if self._next_failures:
            raise self._next_failures.pop(0)
        if self.down:
            raise IssuerUnavailable("The board's results server answered 503.")


class SlowBoard(FlakyBoard):
    """A board whose adapter declares a short timeout."""

    call_timeout_seconds: ClassVar[float] = 0.05


class BoardKeepingCopies(FlakyBoard):
    """A board that lets the locker show a day-old copy while it is down."""

    stale_copy_seconds: ClassVar[int] = 86400


class BiharBoard(FlakyBoard):
    """Another issuer, whose server is fine."""

    issuer_id: ClassVar[str] = "in.gov.bseb"
    name: ClassVar[str] = "Bihar School Examination Board"


class Waits:
    """Stands in for ``anyio.sleep`` between tries: notes each wait, never sleeps."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def board() -> FlakyBoard:
    return FlakyBoard()


@pytest.fixture
def waits() -> Waits:
    return Waits()
