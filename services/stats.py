"""The public figures a locker publishes on its front page."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.registry import AdapterRegistry
from models import Account, IssuedDocument, Requester


@dataclass(frozen=True)
class LockerStats:
    residents: int
    issued_documents: int
    issuers: int
    requesters: int


async def locker_stats(registry: AdapterRegistry) -> LockerStats:
    """Counts of residents, issued documents, issuers and requesters."""
    return LockerStats(
        residents=await Account.all().count(),
        issued_documents=await IssuedDocument.all().count(),
        issuers=len(registry),
        requesters=await Requester.all().count(),
    )
