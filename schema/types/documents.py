"""Issued documents in a locker and their signed content."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from adapters.sdk import DocumentStatus as SdkDocumentStatus
from models import IssuedDocument as IssuedDocumentRow
from resolvers import documents as resolvers
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.issuers import Issuer
from services.links import DownloadLink as Link
from services.locker import DocumentContent as Content
from services.locker import Page

DocumentStatus = strawberry.enum(
    SdkDocumentStatus,
    name="DocumentStatus",
    description="The document's status as its issuer states it.",
)


@strawberry.type(description="A short-lived link; open it without a session token.")
class DownloadLink:
    url: str = strawberry.field(description="Where to fetch the file.")
    expires_at: datetime = strawberry.field(description="When the link stops working.")

    @classmethod
    def of(cls, link: Link) -> DownloadLink:
        return cls(url=link.url, expires_at=link.expires_at)


@strawberry.type(
    description="A document as the locker serves it, signed by its issuer."
)
class DocumentContent:
    status: DocumentStatus = strawberry.field(  # type: ignore[valid-type]
        description="Active, expired, revoked or suspended."
    )
    holder_name: str = strawberry.field(
        description="The holder, as the issuer names them."
    )
    issue_date: date | None = strawberry.field(description="When it was issued.")
    valid_from: date | None = strawberry.field(description="Valid from this date.")
    expiry_date: date | None = strawberry.field(description="Valid until this date.")
    rendered_at: datetime = strawberry.field(
        description="When the locker last fetched it from the issuer."
    )
    stale: bool = strawberry.field(
        description="True when the issuer cannot answer now and this is the "
        "locker's earlier copy, made at `renderedAt`: the issuer may have changed "
        "the document or its status since. Served only for issuers that allow it, "
        "and only to the resident; otherwise the answer is `ISSUER_UNAVAILABLE`."
    )
    xml: str = strawberry.field(
        description="The certificate XML with its enveloped XML signature, exactly "
        "as signed: verify these bytes, do not re-serialise them."
    )
    pdf: DownloadLink = strawberry.field(
        description="A short-lived link to the signed PDF rendition."
    )
    issuer_xml_base64: str | None = strawberry.field(
        description="The issuer's own signed certificate XML, base64 of the bytes "
        "exactly as the issuer sent them (its signature verifies against the "
        "issuer's certificate), for issuers that send one, such as "
        "DigiLocker-compatible issuers; null otherwise."
    )

    @classmethod
    def of(cls, content: Content, pdf: Link) -> DocumentContent:
        return cls(
            status=content.status,
            holder_name=content.holder_name,
            issue_date=content.issue_date,
            valid_from=content.valid_from,
            expiry_date=content.expiry_date,
            rendered_at=content.rendered_at,
            stale=content.stale,
            xml=content.xml.decode("utf-8"),
            pdf=DownloadLink.of(pdf),
            issuer_xml_base64=(
                base64.b64encode(content.issuer_xml).decode("ascii")
                if content.issuer_xml is not None
                else None
            ),
        )


DocumentContentResult = Annotated[
    DocumentContent | Problem,
    strawberry.union(
        "DocumentContentResult",
        description="The content, or why the issuer could not serve it now.",
    ),
]


@strawberry.type(description="A document an issuer issued to the resident: a URI.")
class IssuedDocument:
    uri: str = strawberry.field(description="`IssuerId-DocType-DocId`.")
    issuer_id: str = strawberry.field(description="Who issued it.")
    doc_type: str = strawberry.field(description="Its doc type code.")
    name: str = strawberry.field(description="Its title, e.g. Class XII Marksheet.")
    pulled_at: datetime = strawberry.field(description="When it entered the locker.")
    pushed: bool = strawberry.field(
        description="The issuer pushed it (rather than the resident pulling it)."
    )
    row: strawberry.Private[IssuedDocumentRow]

    @classmethod
    def of(cls, row: IssuedDocumentRow) -> IssuedDocument:
        return cls(
            uri=row.uri,
            issuer_id=row.issuer_id,
            doc_type=row.doc_type,
            name=row.name,
            pulled_at=row.pulled_at,
            pushed=row.source == "push",
            row=row,
        )

    @strawberry.field(description="The issuer, while it serves this locker.")
    def issuer(self, info: Info[LockerContext, None]) -> Issuer | None:
        adapter = resolvers.issuer(info.context, self.issuer_id)
        return Issuer.of(adapter) if adapter else None

    @strawberry.field(
        description="The signed XML and a link to the signed PDF, fetched from the "
        "issuer (or the locker's short-lived cache; see `stale`)."
    )
    async def content(self, info: Info[LockerContext, None]) -> DocumentContentResult:
        link = resolvers.pdf_link(info.context, self.row)
        return await outcome(
            resolvers.content(info.context, self.row),
            lambda content: DocumentContent.of(content, link),
        )


@strawberry.type(description="An issued document and its place in the list.")
class IssuedDocumentEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue here.")
    node: IssuedDocument = strawberry.field(description="The document.")


@strawberry.type(description="Where a page of results stands.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More follow this page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge.")


@strawberry.type(description="A page of issued documents, newest first.")
class IssuedDocumentConnection:
    edges: list[IssuedDocumentEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="How to get the next page.")
    total_count: int = strawberry.field(description="Documents in the locker.")

    @classmethod
    def of(cls, page: Page) -> IssuedDocumentConnection:
        return cls(
            edges=[
                IssuedDocumentEdge(cursor=cursor, node=IssuedDocument.of(row))
                for cursor, row in zip(page.cursors, page.items, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next_page, end_cursor=page.end_cursor
            ),
            total_count=page.total_count,
        )


@strawberry.type(description="The document is in the locker.")
class DocumentPulled:
    document: IssuedDocument = strawberry.field(description="The issued document.")
    already_in_locker: bool = strawberry.field(
        description="It was there before this pull."
    )
