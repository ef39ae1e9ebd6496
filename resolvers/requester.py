"""What a requester reads under a consent: the consent, its documents, a verdict.

Every function starts from the request's access token and asks
``resolvers.access`` whether the requester may touch what it names; the
consent itself (``ConsentService.authorize_read``) decides and counts every
read.

**When a read counts.** A read is counted once the locker has what it will
answer: the document is fetched (from the locker's cache while it is fresh)
before the read is counted, so an issuer that cannot answer at that moment
costs the requester no read and puts nothing in the resident's log. A
verification is counted *before* the issuer is asked for the document's
status, which is never cached: the consent's read limit then bounds how often
a requester can make the locker ask an issuer.

**Verifying.** ``verify`` checks the issuer's signatures on the certificate
XML and the PDF the locker holds now, and asks the issuer for the document's
status, through ``services.verification``. It counts as one read, logged in
the resident's activity under the least revealing form the consent grants for
the document (metadata, else XML, else PDF): it asks the issuer about the
resident's document on the requester's behalf, so the resident sees it like
any other access. The verdict never names the holder; the requester reads
that from the document itself, in a form it was granted.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from adapters.sdk import DocumentStatus
from models import Consent
from resolvers import access
from resolvers.access import SharedEntry
from resolvers.context import LockerContext
from services.activity import DocumentForm
from services.links import DownloadLink
from services.verification import Verdict


@dataclass(frozen=True)
class SharedMetadata:
    """A shared document's details: what the metadata form hands over."""

    uri: str
    issuer_id: str
    issuer_name: str
    doc_type: str
    name: str
    pulled_at: datetime
    status: DocumentStatus
    issue_date: date | None
    valid_from: date | None
    expiry_date: date | None


async def consent(context: LockerContext) -> Consent:
    """The consent the request's token stands for; reading it counts nothing."""
    return await access.shared_consent(context)


def documents(consent: Consent) -> list[SharedEntry]:
    """The documents ``consent`` grants, as it grants them."""
    return access.shared_entries(consent)


async def document(context: LockerContext, uri: str) -> SharedEntry:
    """The document ``uri`` as the request's consent grants it; counts nothing."""
    return await access.shared_document(context, uri)


async def metadata(context: LockerContext, entry: SharedEntry) -> SharedMetadata:
    """The document's details; one read of its metadata."""
    reader, document = await access.requester_reading(
        context, entry, DocumentForm.METADATA
    )
    locker = context.services.locker
    content = await locker.content(document.uri)

    await access.count_read(
        context.services,
        reader.requester,
        reader.consent_id,
        document.uri,
        DocumentForm.METADATA,
    )
    return SharedMetadata(
        uri=document.uri,
        issuer_id=document.issuer_id,
        issuer_name=locker.adapter(document.issuer_id).name,
        doc_type=document.doc_type,
        name=document.name,
        pulled_at=document.pulled_at,
        status=content.status,
        issue_date=content.issue_date,
        valid_from=content.valid_from,
        expiry_date=content.expiry_date,
    )


async def xml(context: LockerContext, entry: SharedEntry) -> str:
    """The signed certificate XML, exactly as signed; one read of its XML."""
    reader, document = await access.requester_reading(context, entry, DocumentForm.XML)
    content = await context.services.locker.content(document.uri)

    await access.count_read(
        context.services,
        reader.requester,
        reader.consent_id,
        document.uri,
        DocumentForm.XML,
    )
    return content.xml.decode("utf-8")


async def pdf_link(context: LockerContext, entry: SharedEntry) -> DownloadLink:
    """A short-lived link to the signed PDF; following it is the read."""
    reader, document = await access.requester_reading(context, entry, DocumentForm.PDF)
    # No link under a consent that could not be read now (revoked, expired,
    # used up): the download checks again, and counts.
    await context.services.consents.check_read(
        reader.consent_id, document.uri, DocumentForm.PDF, requester=reader.requester
    )

    return context.services.links.create_for_requester(
        document.uri,
        requester_id=str(reader.requester.id),
        consent_id=str(reader.consent_id),
    )


async def verify(context: LockerContext, uri: str) -> Verdict:
    """Check the document's signatures and its status now; one read.

    See the module docstring for why it counts and how it is logged.
    """
    entry = await access.shared_document(context, uri)
    reader, document = await access.requester_reading(context, entry, None)
    content = await context.services.locker.content(document.uri)

    await access.count_read(
        context.services,
        reader.requester,
        reader.consent_id,
        document.uri,
        entry.lightest_form,
    )
    verifier = context.services.verification
    return _both(
        await verifier.verify_file(content.xml),
        await verifier.verify_file(content.pdf),
    )


def _both(xml: Verdict, pdf: Verdict) -> Verdict:
    """One verdict for the XML and the PDF: authentic only if both are.

    Reasons of both checks are kept in order, each sentence once; the holder's
    name is left out (see the module docstring).
    """
    signatures = (xml.signature_valid, pdf.signature_valid)
    return dataclasses.replace(
        xml,
        authentic=xml.authentic and pdf.authentic,
        signature_valid=None if None in signatures else all(signatures),
        status=xml.status or pdf.status,
        holder_name=None,
        reasons=list(dict.fromkeys([*xml.reasons, *pdf.reasons])),
    )
