"""What the consent page offers a resident: documents, forms and terms.

A request asks for documents by URI (``issued/<URI>``) and by doc type
(``doctype/<DocType>``: every document of that type in the locker). The offer
is the resident's own ``IssuedDocument`` rows that match, those asked for by
URI first, in the order asked, then the rest by name; what was asked for but
is not in the locker is named so the resident sees it too. The forms and
terms asked for are put in the words the page shows them in.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from tortoise.expressions import Q

from adapters.registry import AdapterRegistry
from adapters.sdk import DocumentUri
from models import Account, IssuedDocument
from services.activity import DocumentForm
from services.oauth.authorize import AuthorizationRequest

FORM_LABELS = {
    DocumentForm.METADATA.value: "Details (metadata)",
    DocumentForm.XML.value: "Certificate data (XML)",
    DocumentForm.PDF.value: "PDF copy",
}


@dataclass(frozen=True)
class OfferedDocument:
    """A document of the resident's locker that the requester asked for."""

    uri: str
    name: str
    issuer: str


@dataclass(frozen=True)
class Offer:
    """What the resident may share, and what was asked for that they lack."""

    documents: tuple[OfferedDocument, ...]
    missing: tuple[str, ...]
    """Each thing asked for and not held, as a resident reads it."""

    @property
    def uris(self) -> list[str]:
        return [document.uri for document in self.documents]


async def offer(
    registry: AdapterRegistry, authorization: AuthorizationRequest, account: Account
) -> Offer:
    """The documents ``authorization`` asks for that ``account`` holds, and not."""
    held = await _held(authorization, account)

    by_uri = {document.uri: document for document in held}
    ordered = [by_uri[uri] for uri in authorization.uris if uri in by_uri]
    ordered += [document for document in held if document not in ordered]
    held_types = {document.doc_type for document in held}
    missing = [
        _named_uri(registry, uri) for uri in authorization.uris if uri not in by_uri
    ]
    missing += [
        f"Any {doc_type_name(registry, doc_type)}"
        for doc_type in authorization.doc_types
        if doc_type not in held_types
    ]

    return Offer(
        documents=tuple(
            OfferedDocument(
                uri=document.uri,
                name=document.name,
                issuer=_issuer_name(registry, document.issuer_id),
            )
            for document in ordered
        ),
        missing=tuple(missing),
    )


def doc_type_name(registry: AdapterRegistry, doc_type: str) -> str:
    """A doc type's name as an issuer here declares it (``Driving Licence``)."""
    for adapter in registry:
        for spec in adapter.doc_types:
            if spec.code == doc_type:
                return spec.name

    return doc_type


def form_choices(asked: Collection[str]) -> list[dict[str, str]]:
    """The forms asked for, each with its label, in the locker's order."""
    return [
        {"value": value, "label": label}
        for value, label in FORM_LABELS.items()
        if value in asked
    ]


def valid_for_text(valid_for: timedelta) -> str:
    """How long a consent is asked for; requests ask in whole days."""
    days = max(1, valid_for.days)
    return "1 day" if days == 1 else f"{days} days"


def reads_text(max_reads: int | None) -> str:
    """How many reads a consent is asked for."""
    if max_reads is None:
        return "No limit until then"
    return "1 read" if max_reads == 1 else f"At most {max_reads} reads"


async def _held(
    authorization: AuthorizationRequest, account: Account
) -> list[IssuedDocument]:
    asked = [Q(uri__in=list(authorization.uris))] if authorization.uris else []
    if authorization.doc_types:
        asked.append(Q(doc_type__in=list(authorization.doc_types)))
    if not asked:
        return []

    return (
        await IssuedDocument.filter(Q(*asked, join_type=Q.OR))
        .filter(account_id=account.id)
        .order_by("name", "uri")
    )


def _issuer_name(registry: AdapterRegistry, issuer_id: str) -> str:
    adapter = registry.get(issuer_id)
    return adapter.name if adapter is not None else issuer_id


def _named_uri(registry: AdapterRegistry, uri: str) -> str:
    """A URI asked for, after the name of its doc type when that is known."""
    try:
        doc_type = DocumentUri.parse(uri).doc_type
    except ValueError:
        return uri

    return f"{doc_type_name(registry, doc_type)} ({uri})"
