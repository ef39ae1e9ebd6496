"""What issuers do over GraphQL: push URIs into residents' lockers."""

from __future__ import annotations

from collections.abc import Sequence

from resolvers.context import LockerContext
from services.issuers.pushes import PushItem, PushReceipt


async def push_documents(
    context: LockerContext, items: Sequence[PushItem]
) -> PushReceipt:
    """Apply a push for the issuer the request's issuer token stands for."""
    issuer_id = await context.issuer()
    return await context.services.pushes.push(issuer_id, items)
