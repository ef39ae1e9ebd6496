"""Issuers, pulling documents and reading them."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.sdk import InvalidLookup, IssuerAdapter
from models import Account, IssuedDocument
from resolvers.context import LockerContext
from services.errors import InvalidArgument
from services.links import DownloadLink
from services.locker import DocumentContent, Page
from services.stats import LockerStats, locker_stats

MOST_PER_PAGE = 100


def issuers(context: LockerContext) -> list[IssuerAdapter]:
    return list(context.services.registry)


def issuer(context: LockerContext, issuer_id: str) -> IssuerAdapter | None:
    return context.services.registry.get(issuer_id)


def issuer_certificate(context: LockerContext, adapter: IssuerAdapter) -> str:
    """The PEM certificate the issuer's documents are signed with."""
    key = context.services.keystore.key_for(adapter.issuer_id, adapter.name)
    return key.certificate_pem.decode("ascii")


async def pull_document(
    context: LockerContext,
    issuer_id: str,
    doc_type: str,
    lookup: Sequence[tuple[str, str]],
) -> tuple[IssuedDocument, bool]:
    account = await context.resident()
    values: dict[str, str] = {}
    for name, value in lookup:
        if name in values:
            raise InvalidLookup(f"{name} was given twice; give it once.", field=name)
        values[name] = value

    return await context.services.locker.pull(account, issuer_id, doc_type, values)


async def issued_documents(
    context: LockerContext, account: Account, first: int, after: str | None
) -> Page:
    if not 1 <= first <= MOST_PER_PAGE:
        raise InvalidArgument(
            f"Ask for between 1 and {MOST_PER_PAGE} documents at a time.",
            field="first",
        )
    return await context.services.locker.issued_documents(
        account, first=first, after=after
    )


async def document(context: LockerContext, uri: str) -> IssuedDocument:
    account = await context.resident()
    return await context.services.locker.issued_document(account, uri)


async def content(context: LockerContext, document: IssuedDocument) -> DocumentContent:
    """The document's content; ``document`` was reached through an authorised path.

    Only the resident reads here, and the type shows ``stale``: an earlier copy
    may stand in while the issuer cannot answer.
    """
    return await context.services.locker.content(document.uri, allow_stale=True)


def pdf_link(context: LockerContext, document: IssuedDocument) -> DownloadLink:
    return context.services.links.create(document.uri, str(document.account_id))


async def stats(context: LockerContext) -> LockerStats:
    return await locker_stats(context.services.registry)
