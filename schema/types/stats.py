"""The locker's public figures."""

from __future__ import annotations

import strawberry

from services.stats import LockerStats


@strawberry.type(description="Public counts, as a locker publishes on its front page.")
class Stats:
    residents: int = strawberry.field(description="Registered residents.")
    issued_documents: int = strawberry.field(
        description="Issued documents in residents' lockers."
    )
    issuers: int = strawberry.field(description="Issuers serving the locker.")
    requesters: int = strawberry.field(description="Registered requesters.")

    @classmethod
    def of(cls, stats: LockerStats) -> Stats:
        return cls(
            residents=stats.residents,
            issued_documents=stats.issued_documents,
            issuers=stats.issuers,
            requesters=stats.requesters,
        )
