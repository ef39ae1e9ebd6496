"""What a requester reads under a consent: the consent, its documents, a verdict.

No type here leads back to the resident: a shared document carries its URI,
its doc type and the forms granted, and each of its reads goes through the
consent (``resolvers.requester``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from models import Consent as ConsentRow
from resolvers import requester as resolvers
from resolvers.access import SharedEntry
from resolvers.context import LockerContext
from resolvers.requester import SharedMetadata as Metadata
from schema.errors import Problem, outcome
from schema.types.consents import (
    ConsentPurpose,
    ConsentStatusValue,
    DocumentFormValue,
    RequesterSummary,
)
from schema.types.documents import DocumentStatus, DownloadLink
from services.verification import Verdict


@strawberry.type(
    description="A shared document's details (the metadata form): who issued it, "
    "what it is, its dates and its status as the issuer states it."
)
class SharedMetadata:
    uri: str = strawberry.field(description="The document's URI.")
    issuer_id: str = strawberry.field(description="Who issued it.")
    issuer_name: str = strawberry.field(description="The issuer's name.")
    doc_type: str = strawberry.field(description="Its doc type code.")
    name: str = strawberry.field(description="Its title, e.g. Driving Licence.")
    pulled_at: datetime = strawberry.field(
        description="When the resident put it in their locker."
    )
    status: DocumentStatus = strawberry.field(  # type: ignore[valid-type]
        description="Active, expired, revoked or suspended, as the issuer states it."
    )
    issue_date: date | None = strawberry.field(description="When it was issued.")
    valid_from: date | None = strawberry.field(description="Valid from this date.")
    expiry_date: date | None = strawberry.field(description="Valid until this date.")

    @classmethod
    def of(cls, metadata: Metadata) -> SharedMetadata:
        return cls(
            uri=metadata.uri,
            issuer_id=metadata.issuer_id,
            issuer_name=metadata.issuer_name,
            doc_type=metadata.doc_type,
            name=metadata.name,
            pulled_at=metadata.pulled_at,
            status=metadata.status,
            issue_date=metadata.issue_date,
            valid_from=metadata.valid_from,
            expiry_date=metadata.expiry_date,
        )


@strawberry.type(description="A shared document's certificate XML (the xml form).")
class SharedXml:
    xml: str = strawberry.field(
        description="The certificate XML with its enveloped XML signature, exactly "
        "as signed: verify these bytes against the issuer's `certificate`, do not "
        "re-serialise them."
    )


SharedMetadataResult = Annotated[
    SharedMetadata | Problem,
    strawberry.union(
        "SharedMetadataResult",
        description="The details (one read), or why they cannot be read.",
    ),
]
SharedXmlResult = Annotated[
    SharedXml | Problem,
    strawberry.union(
        "SharedXmlResult", description="The XML (one read), or why it cannot be read."
    ),
]
SharedPdfLinkResult = Annotated[
    DownloadLink | Problem,
    strawberry.union(
        "SharedPdfLinkResult",
        description="A link to the signed PDF, or why the PDF cannot be read.",
    ),
]


@strawberry.type(
    description="A document a resident shared with you under a consent. Each of "
    "`metadata` and `xml` is one read of the consent, counted and shown in the "
    "resident's activity log; the PDF is read when its link is followed."
)
class SharedDocument:
    uri: str = strawberry.field(description="`IssuerId-DocType-DocId`.")
    doc_type: str = strawberry.field(description="Its doc type code.")
    forms: list[DocumentFormValue] = strawberry.field(
        description="The forms the consent lets you read it in."
    )
    entry: strawberry.Private[SharedEntry]

    @classmethod
    def of(cls, entry: SharedEntry) -> SharedDocument:
        return cls(
            uri=entry.uri,
            doc_type=entry.doc_type,
            forms=[DocumentFormValue(form.value) for form in entry.forms],
            entry=entry,
        )

    @strawberry.field(
        description="Its details. Needs the metadata form; counts one read."
    )
    async def metadata(self, info: Info[LockerContext, None]) -> SharedMetadataResult:
        return await outcome(
            resolvers.metadata(info.context, self.entry), SharedMetadata.of
        )

    @strawberry.field(
        description="Its certificate XML, signed by the issuer. Needs the xml form; "
        "counts one read."
    )
    async def xml(self, info: Info[LockerContext, None]) -> SharedXmlResult:
        return await outcome(
            resolvers.xml(info.context, self.entry), lambda xml: SharedXml(xml=xml)
        )

    @strawberry.field(
        description="A short-lived link to its PDF rendition, signed by the issuer, "
        "for you and this consent only. Needs the pdf form. Making the link counts "
        "nothing; fetching it counts one read, and fails once the consent is "
        "revoked, has expired or has no reads left."
    )
    async def pdf_link(self, info: Info[LockerContext, None]) -> SharedPdfLinkResult:
        return await outcome(
            resolvers.pdf_link(info.context, self.entry), DownloadLink.of
        )


@strawberry.type(
    description="The consent your access token stands for: what the resident "
    "shared with you, for what, until when and how many times."
)
class SharedConsent:
    id: strawberry.ID = strawberry.field(description="The consent's id.")
    requester: RequesterSummary = strawberry.field(description="You, as registered.")
    purpose: ConsentPurpose = strawberry.field(description="What it is for.")
    valid_from: datetime = strawberry.field(description="Reads allowed from then.")
    valid_until: datetime = strawberry.field(
        description="Reads allowed until then, not including it."
    )
    reads: int = strawberry.field(description="Reads made under it so far.")
    max_reads: int | None = strawberry.field(
        description="Reads it allows in all; null for no limit."
    )
    status: ConsentStatusValue = strawberry.field(
        description="Where it stands: only while active can anything be read."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When the resident revoked it; null unless revoked."
    )
    artefact: str = strawberry.field(
        description="The consent as the locker signed it when it was granted: a "
        "compact JWS (ES256). Keep it as proof; verify it with the keys of "
        "`consentSigningKeys`."
    )
    documents: list[SharedDocument] = strawberry.field(
        description="The documents it shares, each with the forms granted."
    )

    @classmethod
    def of(cls, row: ConsentRow) -> SharedConsent:
        return cls(
            id=strawberry.ID(str(row.id)),
            requester=RequesterSummary(
                name=row.requester.name, org_id=row.requester.org_id
            ),
            purpose=ConsentPurpose(code=row.purpose_code, text=row.purpose_text),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            reads=row.reads,
            max_reads=row.max_reads,
            status=ConsentStatusValue(row.status),
            revoked_at=row.revoked_at,
            artefact=row.artefact,
            documents=[SharedDocument.of(entry) for entry in resolvers.documents(row)],
        )


@strawberry.type(
    description="Whether to believe a document: the issuer's signatures checked "
    "against the certificate this locker holds for it, and its status asked of "
    "the issuer now."
)
class DocumentVerdict:
    authentic: bool = strawberry.field(
        description="The bottom line: the issuer signed the document (its XML and "
        "its PDF) and reports it active now."
    )
    signature_valid: bool | None = strawberry.field(
        description="Both signatures are the issuer's and cover the document "
        "unchanged; null when they could not be checked."
    )
    status: DocumentStatus | None = strawberry.field(  # type: ignore[valid-type]
        description="The issuer's status of the document now; null when the "
        "issuer was not asked or did not answer."
    )
    uri: str | None = strawberry.field(description="The document checked.")
    issuer_id: str | None = strawberry.field(description="Its issuer's id.")
    issuer_name: str | None = strawberry.field(description="Its issuer's name.")
    doc_type: str | None = strawberry.field(description="Its doc type code.")
    checked_at: datetime = strawberry.field(description="When it was checked.")
    reasons: list[str] = strawberry.field(
        description="The verdict explained, one sentence per finding."
    )

    @classmethod
    def of(cls, verdict: Verdict) -> DocumentVerdict:
        return cls(
            authentic=verdict.authentic,
            signature_valid=verdict.signature_valid,
            status=(
                DocumentStatus[verdict.status] if verdict.status is not None else None
            ),
            uri=verdict.uri,
            issuer_id=verdict.issuer_id,
            issuer_name=verdict.issuer_name,
            doc_type=verdict.doc_type,
            checked_at=verdict.checked_at,
            reasons=verdict.reasons,
        )


SharedConsentResult = Annotated[
    SharedConsent | Problem,
    strawberry.union(
        "SharedConsentResult",
        description="The consent your token stands for, or why it cannot be shown.",
    ),
]
SharedDocumentResult = Annotated[
    SharedDocument | Problem,
    strawberry.union(
        "SharedDocumentResult",
        description="The shared document, or why it is not shared with you.",
    ),
]
VerifyDocumentResult = Annotated[
    DocumentVerdict | Problem,
    strawberry.union(
        "VerifyDocumentResult",
        description="The verdict (one read), or why the document cannot be checked.",
    ),
]
