"""The resident's consents to requesters, and their activity log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry

from models import ActivityEntry as ActivityEntryRow
from models import Consent as ConsentRow
from schema.errors import Problem
from schema.types.documents import PageInfo
from services.activity import ActivityKind as Kind
from services.activity import ActivityPage
from services.activity import DocumentForm as Form
from services.consents import ConsentPage
from services.consents import ConsentStatus as Status


@strawberry.enum(name="ConsentStatus", description="Where a consent stands.")
class ConsentStatusValue(enum.Enum):
    ACTIVE = strawberry.enum_value(
        Status.ACTIVE.value,
        description="In force: the requester may read what it grants.",
    )
    REVOKED = strawberry.enum_value(
        Status.REVOKED.value,
        description="The resident revoked it; nothing can be read under it.",
    )
    EXPIRED = strawberry.enum_value(
        Status.EXPIRED.value,
        description="Its time ran out; nothing can be read under it.",
    )


@strawberry.enum(
    name="DocumentForm", description="A form in which a requester may read a document."
)
class DocumentFormValue(enum.Enum):
    METADATA = strawberry.enum_value(
        Form.METADATA.value,
        description="Its details (name, issuer, dates, status), not the document.",
    )
    XML = strawberry.enum_value(
        Form.XML.value, description="The certificate XML, signed by its issuer."
    )
    PDF = strawberry.enum_value(
        Form.PDF.value, description="The PDF rendition, signed by its issuer."
    )


@strawberry.enum(name="ActivityKind", description="What an activity entry records.")
class ActivityKindValue(enum.Enum):
    DOCUMENT_READ = strawberry.enum_value(
        Kind.DOCUMENT_READ.value,
        description="A requester read a document under a consent.",
    )
    CONSENT_GRANTED = strawberry.enum_value(
        Kind.CONSENT_GRANTED.value, description="The resident granted a consent."
    )
    CONSENT_REVOKED = strawberry.enum_value(
        Kind.CONSENT_REVOKED.value, description="The resident revoked a consent."
    )
    CONSENT_EXPIRED = strawberry.enum_value(
        Kind.CONSENT_EXPIRED.value, description="A consent's time ran out."
    )
    CONSENT_DENIED = strawberry.enum_value(
        Kind.CONSENT_DENIED.value,
        description="The resident refused a requester everything it asked for.",
    )


@strawberry.enum(description="The format of an activity log export.")
class ActivityExportFormat(enum.Enum):
    JSON = strawberry.enum_value(
        "json",
        description="Every entry with the fields its hash covers, so the chain "
        "can be checked without the locker.",
    )
    CSV = strawberry.enum_value(
        "csv", description="One row per entry with a header row, for spreadsheets."
    )


@strawberry.type(description="A requester as the resident sees it.")
class RequesterSummary:
    name: str = strawberry.field(description="The organisation's name.")
    org_id: str = strawberry.field(description="The organisation's id.")


@strawberry.type(description="Why a requester asked: one of its declared purposes.")
class ConsentPurpose:
    code: str = strawberry.field(description="The purpose's code.")
    text: str = strawberry.field(description="The purpose, in words.")


@strawberry.type(description="A document a consent shares, and in which forms.")
class ConsentedDocument:
    uri: str = strawberry.field(description="The document's URI.")
    forms: list[DocumentFormValue] = strawberry.field(
        description="The forms the requester may read it in."
    )


@strawberry.type(
    description="What the resident allowed a requester to read, for what and "
    "until when."
)
class Consent:
    id: strawberry.ID = strawberry.field(description="Pass to `revokeConsent`.")
    requester: RequesterSummary = strawberry.field(description="Who may read under it.")
    purpose: ConsentPurpose = strawberry.field(description="What for.")
    documents: list[ConsentedDocument] = strawberry.field(
        description="The documents it shares, each in its forms."
    )
    created_at: datetime = strawberry.field(description="When it was granted.")
    valid_from: datetime = strawberry.field(description="Reads allowed from then.")
    valid_until: datetime = strawberry.field(
        description="Reads allowed until then, not including it."
    )
    max_reads: int | None = strawberry.field(
        description="How many reads it allows in all; null for no limit."
    )
    reads: int = strawberry.field(description="How many reads were made under it.")
    first_read_at: datetime | None = strawberry.field(
        description="When the requester first read under it; null until then."
    )
    status: ConsentStatusValue = strawberry.field(description="Where it stands now.")
    revoked_at: datetime | None = strawberry.field(
        description="When the resident revoked it; null unless revoked."
    )
    artefact: str = strawberry.field(
        description="The consent as the locker signed it when it was granted: a "
        "compact JWS (ES256). Verify it with the keys of `consentSigningKeys`."
    )

    @classmethod
    def of(cls, row: ConsentRow) -> Consent:
        return cls(
            id=strawberry.ID(str(row.id)),
            requester=RequesterSummary(
                name=row.requester.name, org_id=row.requester.org_id
            ),
            purpose=ConsentPurpose(code=row.purpose_code, text=row.purpose_text),
            documents=[
                ConsentedDocument(
                    uri=document["uri"],
                    forms=[DocumentFormValue(form) for form in document["forms"]],
                )
                for document in row.documents
            ],
            created_at=row.created_at,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            max_reads=row.max_reads,
            reads=row.reads,
            first_read_at=row.first_read_at,
            status=ConsentStatusValue(row.status),
            revoked_at=row.revoked_at,
            artefact=row.artefact,
        )


ConsentResult = Annotated[
    Consent | Problem,
    strawberry.union(
        "ConsentResult", description="The consent, or why it cannot be shown."
    ),
]


@strawberry.type(description="A consent and its place in the list.")
class ConsentEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue here.")
    node: Consent = strawberry.field(description="The consent.")


@strawberry.type(description="A page of consents, newest first.")
class ConsentConnection:
    edges: list[ConsentEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="How to get the next page.")
    total_count: int = strawberry.field(
        description="Consents in the list (with the status asked for, if any)."
    )

    @classmethod
    def of(cls, page: ConsentPage) -> ConsentConnection:
        return cls(
            edges=[
                ConsentEdge(cursor=cursor, node=Consent.of(row))
                for cursor, row in zip(page.cursors, page.items, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next_page, end_cursor=page.end_cursor
            ),
            total_count=page.total_count,
        )


@strawberry.type(
    description="The consent is revoked: from now on nothing can be read under it."
)
class ConsentRevoked:
    consent: Consent = strawberry.field(description="The consent, now revoked.")


@strawberry.type(
    description="One entry of the resident's activity log: a read by a "
    "requester, or a change to a consent."
)
class ActivityEntry:
    seq: int = strawberry.field(
        description="The entry's number in the log, from 1 with no gaps."
    )
    at: datetime = strawberry.field(description="When it happened.")
    kind: ActivityKindValue = strawberry.field(description="What happened.")
    requester: RequesterSummary = strawberry.field(description="The requester.")
    document_uri: str | None = strawberry.field(
        description="The document read; null for a consent change."
    )
    form: DocumentFormValue | None = strawberry.field(
        description="The form it was read in; null for a consent change."
    )
    purpose: str | None = strawberry.field(description="The purpose, in words.")
    consent_id: strawberry.ID | None = strawberry.field(
        description="The consent it happened under; null for a refusal."
    )
    hash: str = strawberry.field(
        description="The entry's SHA-256 chain hash, as the JSON export explains."
    )

    @classmethod
    def of(cls, row: ActivityEntryRow) -> ActivityEntry:
        return cls(
            seq=row.seq,
            at=row.at,
            kind=ActivityKindValue(row.kind),
            requester=RequesterSummary(
                name=row.requester_name, org_id=row.requester_id
            ),
            document_uri=row.document_uri,
            form=DocumentFormValue(row.form) if row.form is not None else None,
            purpose=row.purpose,
            consent_id=strawberry.ID(row.consent_id) if row.consent_id else None,
            hash=row.hash,
        )


@strawberry.type(description="An activity entry and its place in the log.")
class ActivityEntryEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue here.")
    node: ActivityEntry = strawberry.field(description="The entry.")


@strawberry.type(description="A page of the activity log, newest first.")
class ActivityEntryConnection:
    edges: list[ActivityEntryEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="How to get the next page.")
    total_count: int = strawberry.field(description="Entries in the log.")

    @classmethod
    def of(cls, page: ActivityPage) -> ActivityEntryConnection:
        return cls(
            edges=[
                ActivityEntryEdge(cursor=cursor, node=ActivityEntry.of(row))
                for cursor, row in zip(page.cursors, page.items, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next_page, end_cursor=page.end_cursor
            ),
            total_count=page.total_count,
        )
