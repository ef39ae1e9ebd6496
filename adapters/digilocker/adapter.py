"""The DigiLocker-compatible issuer adapter: one per configured issuer.

``digilocker_adapter(config)`` answers an ``IssuerAdapter`` whose issuer id,
name, organization and doc types come from ``config`` and whose ``find`` and
``fetch`` speak the issuer's Pull URI API through a ``PullUriClient``.

Each call makes a class of its own: the SDK declares an adapter's identity as
class attributes, checked when the class is made, and the registry tells two
adapters apart by class, so two configs claiming one issuer id are refused
like two packages would be.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import ClassVar

from adapters.digilocker.client import PullUriClient
from adapters.digilocker.config import DigiLockerIssuerConfig
from adapters.sdk import (
    DocTypeSpec,
    FindResult,
    Identity,
    IssuerAdapter,
    Organization,
    StandardDocument,
)


def digilocker_adapter(
    config: DigiLockerIssuerConfig, *, now: Callable[[], datetime] | None = None
) -> IssuerAdapter:
    """An adapter for the issuer ``config`` describes, ready to register.

    ``fetch`` answers a ``DigiLockerDocument``: the standard document with the
    issuer's own certificate XML (and PDF, when sent) kept byte for byte.
    """
    client = PullUriClient(config, now=now)

    class DigiLockerAdapter(IssuerAdapter):
        __doc__ = f"{config.name}, through its DigiLocker Pull URI API."

        issuer_id: ClassVar[str] = config.issuer_id
        name: ClassVar[str] = config.name
        organization: ClassVar[Organization] = client.organization
        doc_types: ClassVar[tuple[DocTypeSpec, ...]] = client.doc_types
        call_timeout_seconds: ClassVar[float] = config.call_timeout
        stale_copy_seconds: ClassVar[int] = config.stale_copy_lifetime
        accepts_pushes: ClassVar[bool] = config.uses_pull_doc
        #: The issuer's config; its API key also checks the URIs it pushes.
        digilocker_config: ClassVar[DigiLockerIssuerConfig] = config

        async def find(
            self, doc_type: str, lookup: Mapping[str, str], identity: Identity
        ) -> FindResult:
            return await client.find(doc_type, lookup, identity)

        async def fetch(self, uri: str) -> StandardDocument:
            return await client.fetch(uri)

    DigiLockerAdapter.__qualname__ = f"DigiLockerAdapter[{config.issuer_id}]"
    return DigiLockerAdapter()
