"""Residents' own files: sizes, storage, the files, and what their mutations answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, NewType

import strawberry
from graphql import GraphQLError, IntValueNode, ValueNode
from strawberry.types import Info
from strawberry.types.scalar import ScalarDefinition

from models import UploadedDocument as UploadedDocumentRow
from resolvers import uploads as resolvers
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.documents import DownloadLink, PageInfo
from services.esign import SignatureVerdict
from services.uploads.service import StorageUsage as Usage
from services.uploads.service import UploadPage, UploadSlot

ByteCount = NewType("ByteCount", int)

# JavaScript clients read JSON numbers as doubles, exact up to 2**53 - 1.
MOST_BYTES = 2**53 - 1


def _parse_byte_count(value: object) -> ByteCount:
    # GraphQLError, not TypeError: graphql-core reports it to the client as
    # a validation error, where any other exception is a crash.
    if isinstance(value, bool) or not isinstance(value, int):
        raise GraphQLError("A ByteCount is a whole number of bytes, such as 524288.")
    if not 0 <= value <= MOST_BYTES:
        raise GraphQLError(f"A ByteCount is between 0 and {MOST_BYTES}.")
    return ByteCount(value)


def _parse_byte_count_literal(
    node: ValueNode, variables: dict[str, Any] | None = None
) -> ByteCount:
    """A ByteCount written into the query itself: an integer literal only."""
    if not isinstance(node, IntValueNode):
        raise GraphQLError("A ByteCount is a whole number of bytes, such as 524288.")
    return _parse_byte_count(int(node.value))


BYTE_COUNT = strawberry.scalar(
    name="ByteCount",
    description="A number of bytes, as a JSON number: exact up to 2^53 - 1, "
    "where GraphQL's 32-bit `Int` would stop at 2 GiB.",
    serialize=int,
    parse_value=_parse_byte_count,
    parse_literal=_parse_byte_count_literal,
)

# The custom scalars of this module, for ``StrawberryConfig.scalar_map``.
SCALARS: dict[object, ScalarDefinition] = {ByteCount: BYTE_COUNT}


@strawberry.type(description="How much of their storage a resident uses.")
class StorageUsage:
    used_bytes: ByteCount = strawberry.field(
        description="Bytes taken by the resident's files, and reserved by "
        "uploads in progress."
    )
    quota_bytes: ByteCount = strawberry.field(
        description="Bytes the resident may use in all."
    )
    available_bytes: ByteCount = strawberry.field(
        description="Bytes left for new files."
    )
    max_file_bytes: ByteCount = strawberry.field(
        description="The largest one file may be."
    )

    @classmethod
    def of(cls, usage: Usage) -> StorageUsage:
        return cls(
            used_bytes=ByteCount(usage.used_bytes),
            quota_bytes=ByteCount(usage.quota_bytes),
            available_bytes=ByteCount(usage.available_bytes),
            max_file_bytes=ByteCount(usage.max_file_bytes),
        )


@strawberry.type(
    name="SelfAttestation",
    description="The resident eSigned this file, after an OTP, in their "
    "Aadhaar-verified name.",
)
class SelfAttestationMark:
    signer_name: str = strawberry.field(
        description="The name on the signing certificate, as in Aadhaar."
    )
    signed_at: datetime = strawberry.field(description="When it was signed.")


@strawberry.type(description="What checking a PDF's signature found.")
class SignatureCheck:
    valid: bool = strawberry.field(
        description="True when the PDF carries an intact signature by a "
        "certificate the locker's CA issued (`lockerCertificateAuthority`)."
    )
    signer_name: str | None = strawberry.field(
        description="The name on the signing certificate, if there is a signature."
    )
    signed_at: datetime | None = strawberry.field(
        description="When it was signed, as the signature says."
    )
    reasons: list[str] = strawberry.field(
        description="Why it is not valid, in sentences; empty when valid."
    )
    intact: bool = strawberry.field(
        description="The signed bytes are unchanged since signing."
    )
    trusted: bool = strawberry.field(
        description="The signing certificate chains to the locker's CA."
    )
    covers_whole_document: bool = strawberry.field(
        description="Nothing was added to the PDF after the signature."
    )
    signature_count: int = strawberry.field(
        description="How many signatures the PDF carries; the check is about "
        "the last one."
    )
    warnings: list[str] = strawberry.field(
        description="Earlier signatures that no longer match what they signed."
    )

    @classmethod
    def of(cls, verdict: SignatureVerdict) -> SignatureCheck:
        return cls(
            valid=verdict.valid,
            signer_name=verdict.signer_name,
            signed_at=verdict.signed_at,
            reasons=list(verdict.reasons),
            intact=verdict.intact,
            trusted=verdict.trusted,
            covers_whole_document=verdict.covers_whole_document,
            signature_count=verdict.signature_count,
            warnings=list(verdict.warnings),
        )


SignatureCheckResult = Annotated[
    SignatureCheck | Problem,
    strawberry.union(
        "SignatureCheckResult",
        description="What the signature check found, or why it could not be done.",
    ),
]


@strawberry.type(description="A file the resident uploaded, or a copy they eSigned.")
class UploadedDocument:
    id: strawberry.ID = strawberry.field(description="The file's id.")
    name: str = strawberry.field(
        description="The name to show, as the resident gave it (cleaned of "
        "control characters and path separators)."
    )
    description: str = strawberry.field(
        description="The resident's note about it; may be empty."
    )
    doc_type: str | None = strawberry.field(
        description="A doc type code from `issuers`, if the resident chose one."
    )
    folder: str = strawberry.field(
        description="The folder it is in; empty for the top level."
    )
    size: ByteCount = strawberry.field(description="Its size in bytes.")
    content_type: str = strawberry.field(
        description="`application/pdf`, `image/jpeg` or `image/png`, decided "
        "from the content."
    )
    sha256: str = strawberry.field(description="SHA-256 of its bytes, in hex.")
    pages: int | None = strawberry.field(
        description="How many pages a PDF has; null for an image."
    )
    created_at: datetime = strawberry.field(description="When it was uploaded.")
    updated_at: datetime = strawberry.field(
        description="When it, or its name, folder, description or doc type, "
        "last changed."
    )
    self_attestation: SelfAttestationMark | None = strawberry.field(
        description="Who eSigned it and when, for a self-attested copy; null otherwise."
    )
    row: strawberry.Private[UploadedDocumentRow]

    @classmethod
    def of(cls, row: UploadedDocumentRow) -> UploadedDocument:
        attestation = None
        if row.signer_name and row.signed_at:
            attestation = SelfAttestationMark(
                signer_name=row.signer_name, signed_at=row.signed_at
            )
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            description=row.description,
            doc_type=row.doc_type,
            folder=row.folder,
            size=ByteCount(row.size),
            content_type=row.content_type,
            sha256=row.sha256,
            pages=row.pages,
            created_at=row.created_at,
            updated_at=row.updated_at,
            self_attestation=attestation,
            row=row,
        )

    @strawberry.field(
        description="For a self-attested copy, the file it was made from; null "
        "otherwise, or once that file is deleted."
    )
    async def signed_from(
        self, info: Info[LockerContext, None]
    ) -> UploadedDocument | None:
        original = await resolvers.signed_from(info.context, self.row)
        return UploadedDocument.of(original) if original else None

    @strawberry.field(
        description="A short-lived link to the file's bytes; open it without a "
        "session token."
    )
    def download_url(
        self,
        info: Info[LockerContext, None],
        inline: Annotated[
            bool,
            strawberry.argument(
                description="Ask the browser to show the file rather than save it."
            ),
        ] = False,
    ) -> DownloadLink:
        link = resolvers.download_link(info.context, self.row, inline=inline)
        return DownloadLink.of(link)

    @strawberry.field(
        description="Whether the file carries a valid self-attestation signature "
        "(an image never does)."
    )
    async def signature(self, info: Info[LockerContext, None]) -> SignatureCheckResult:
        return await outcome(
            resolvers.signature(info.context, self.row), SignatureCheck.of
        )


UploadResult = Annotated[
    UploadedDocument | Problem,
    strawberry.union("UploadResult", description="The file, or why it cannot be read."),
]


@strawberry.type(description="An uploaded file and its place in the list.")
class UploadedDocumentEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue here.")
    node: UploadedDocument = strawberry.field(description="The file.")


@strawberry.type(description="A page of the resident's files, newest first.")
class UploadedDocumentConnection:
    edges: list[UploadedDocumentEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="How to get the next page.")
    total_count: int = strawberry.field(
        description="Files that match the filters, on every page."
    )

    @classmethod
    def of(cls, page: UploadPage) -> UploadedDocumentConnection:
        return cls(
            edges=[
                UploadedDocumentEdge(cursor=cursor, node=UploadedDocument.of(row))
                for cursor, row in zip(page.cursors, page.items, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next_page, end_cursor=page.end_cursor
            ),
            total_count=page.total_count,
        )


@strawberry.type(description="An upload waiting for its bytes.")
class PendingUpload:
    id: strawberry.ID = strawberry.field(
        description="The file's id, once its bytes arrive."
    )
    name: str = strawberry.field(description="The name it will be shown under.")
    folder: str = strawberry.field(description="The folder it will be in.")
    size: ByteCount = strawberry.field(description="The size it was started for.")


@strawberry.type(
    description="Space is reserved: send the file's bytes as the body of "
    "`method` `uploadUrl`, with `Authorization: Bearer <token>`, before "
    "`expiresAt`. The answer is the stored file as JSON (201), or a `code` "
    "and `message`."
)
class UploadStarted:
    upload: PendingUpload = strawberry.field(description="The upload.")
    upload_url: str = strawberry.field(description="Where to send the bytes.")
    method: str = strawberry.field(description="The HTTP method to send them with.")
    expires_at: datetime = strawberry.field(
        description="Until when the upload waits; then its space is given back."
    )
    max_bytes: ByteCount = strawberry.field(
        description="The body must be exactly this many bytes, the `size` "
        "given; a longer one is refused as soon as it passes it."
    )

    @classmethod
    def of(cls, slot: UploadSlot) -> UploadStarted:
        document = slot.document
        return cls(
            upload=PendingUpload(
                id=strawberry.ID(str(document.id)),
                name=document.name,
                folder=document.folder,
                size=ByteCount(document.size),
            ),
            upload_url=slot.url,
            method="PUT",
            expires_at=slot.expires_at,
            max_bytes=ByteCount(document.size),
        )


@strawberry.type(description="The file's details changed.")
class UploadUpdated:
    document: UploadedDocument = strawberry.field(description="The file now.")


@strawberry.type(description="The file is deleted and its space given back.")
class UploadDeleted:
    id: strawberry.ID = strawberry.field(description="The deleted file's id.")
    storage: StorageUsage = strawberry.field(description="The storage now.")


@strawberry.type(
    description="The eSigned copy is stored beside the original, which is kept."
)
class DocumentEsigned:
    document: UploadedDocument = strawberry.field(
        description="The new, signed PDF: `… (self-attested).pdf`."
    )
    original: UploadedDocument | None = strawberry.field(
        description="The file it was made from."
    )


@strawberry.input(description="A file the resident is about to upload.")
class StartUploadInput:
    name: str = strawberry.field(
        description="The file's name, to show. An extension, if it has one, must "
        "agree with the content (`.pdf`, `.jpg`, `.jpeg` or `.png`)."
    )
    size: ByteCount = strawberry.field(
        description="The file's exact size in bytes, at most `maxFileBytes`."
    )
    folder: str = strawberry.field(
        default="", description="The folder to put it in; empty for the top level."
    )
    description: str = strawberry.field(
        default="", description="A note about it, up to 500 characters."
    )
    doc_type: str | None = strawberry.field(
        default=None, description="A doc type code from `issuers`, if it is one."
    )


@strawberry.input(description="What to change about a file; omitted fields stay.")
class UpdateUploadInput:
    name: str | None = strawberry.field(default=None, description="A new name.")
    folder: str | None = strawberry.field(
        default=None, description="Move it to this folder; empty for the top level."
    )
    description: str | None = strawberry.field(
        default=None, description="A new note, up to 500 characters."
    )
    doc_type: str | None = strawberry.field(
        default=None, description="A doc type code from `issuers`."
    )
    clear_doc_type: bool = strawberry.field(
        default=False, description="Remove the doc type (wins over `docType`)."
    )
