"""Adapters that break the contract, each in its own way, and one that keeps it.

Not collected with the suite (the name does not start with ``test_``):
``test_contract_catches.py`` runs pytest on this file in a subprocess and
checks that each broken adapter fails the contract with a message that says
what is wrong. The board and its people are invented.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping
from datetime import date
from typing import ClassVar

from adapters.sdk import (
    DataNode,
    DocTypeSpec,
    DocumentUri,
    FindResult,
    Gender,
    Holder,
    Identity,
    IssuerAdapter,
    LookupField,
    Organization,
    OrganizationType,
    Person,
    RecordNotFound,
    StandardDocument,
    make_uri,
    node,
)
from adapters.sdk.contract import AdapterContract, ContractLookup

NISHA = Identity(name="Nisha Rawat", dob=date(2006, 8, 19), gender=Gender.FEMALE)
RESULTS = {"24310457": ("NISHA RAWAT", date(2006, 8, 19), 412)}


class HillBoardAdapter(IssuerAdapter):
    """A board with one candidate, which keeps the contract."""

    issuer_id: ClassVar[str] = "in.gov.hillboard"
    name: ClassVar[str] = "Hill State Board of School Education"
    organization: ClassVar[Organization] = Organization(
        name="Hill State Board of School Education",
        type=OrganizationType.STATE_GOVERNMENT,
    )
    doc_types: ClassVar[tuple[DocTypeSpec, ...]] = (
        DocTypeSpec(
            code="HSCER",
            name="Class XII Marksheet",
            description="Statement of marks of the Class XII examination.",
            lookup_fields=(
                LookupField(
                    name="rollNumber",
                    label="Roll number",
                    example="24310457",
                    pattern="[0-9]{8}",
                ),
            ),
        ),
    )

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        roll_number = lookup["rollNumber"]
        name, dob, _ = self._record(roll_number)
        return FindResult(
            uri=make_uri(self.issuer_id, doc_type, roll_number),
            holder=Holder(name=name, dob=dob),
        )

    async def fetch(self, uri: str) -> StandardDocument:
        roll_number = DocumentUri.parse(uri).doc_id
        name, dob, total = self._record(roll_number)
        return StandardDocument(
            uri=uri,
            doc_type="HSCER",
            name="Class XII Marksheet",
            number=roll_number,
            issued_by=self.organization,
            issued_to=Person(name=name, dob=dob),
            data=(self._performance(total),),
        )

    def _record(self, roll_number: str) -> tuple[str, date, int]:
        record = RESULTS.get(roll_number)
        if record is None:
            raise RecordNotFound(f"There is no result for roll number {roll_number}.")
        return record

    def _performance(self, total: int) -> DataNode:
        return node("Performance", result="PASS", marksTotal=str(total))


class CrashingAdapter(HillBoardAdapter):
    """Lets a KeyError escape for a roll number it does not have."""

    def _record(self, roll_number: str) -> tuple[str, date, int]:
        return RESULTS[roll_number]


class PhoningHomeAdapter(HillBoardAdapter):
    """Calls the board's server on the internet instead of reading its records."""

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        with socket.socket() as connection:
            connection.connect(("203.0.113.7", 443))
        return await super().find(doc_type, lookup, identity)


class LookingUpAdapter(HillBoardAdapter):
    """Resolves the board's host name, which is already a network request."""

    async def fetch(self, uri: str) -> StandardDocument:
        await asyncio.get_running_loop().getaddrinfo("results.hillboard.example", 443)
        return await super().fetch(uri)


class HangingAdapter(HillBoardAdapter):
    """Waits forever for an answer that never comes."""

    call_timeout_seconds: ClassVar[float] = 0.1

    async def fetch(self, uri: str) -> StandardDocument:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class InvalidXmlAdapter(HillBoardAdapter):
    """Writes the year in words, which the marksheet schema does not allow."""

    def _performance(self, total: int) -> DataNode:
        return node("Examination", year="twenty twenty-four")


class ForeignUriAdapter(HillBoardAdapter):
    """Answers URIs of a doc type it was not asked for."""

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        found = await super().find(doc_type, lookup, identity)
        return FindResult(uri=found.uri.replace("HSCER", "SSCER"), holder=found.holder)


class StrangerAdapter(HillBoardAdapter):
    """Answers a holder who is not the example's resident."""

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        found = await super().find(doc_type, lookup, identity)
        return FindResult(
            uri=found.uri, holder=Holder(name="Kunal Bisht", dob=date(2006, 8, 19))
        )


class _HillBoardContract(AdapterContract):
    examples = (ContractLookup("HSCER", {"rollNumber": "24310457"}, NISHA),)
    not_found = ContractLookup("HSCER", {"rollNumber": "24399999"}, NISHA)


class TestKeptContract(_HillBoardContract):
    adapter = HillBoardAdapter()


class TestCrashingContract(_HillBoardContract):
    adapter = CrashingAdapter()


class TestPhoningHomeContract(_HillBoardContract):
    adapter = PhoningHomeAdapter()


class TestLookingUpContract(_HillBoardContract):
    adapter = LookingUpAdapter()


class TestHangingContract(_HillBoardContract):
    adapter = HangingAdapter()


class TestInvalidXmlContract(_HillBoardContract):
    adapter = InvalidXmlAdapter()


class TestForeignUriContract(_HillBoardContract):
    adapter = ForeignUriAdapter()


class TestStrangerContract(_HillBoardContract):
    adapter = StrangerAdapter()
