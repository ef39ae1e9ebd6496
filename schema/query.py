"""The root query."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import accounts, consents, documents, uploads
from resolvers import requester as requester_reads
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.accounts import Resident
from schema.types.documents import IssuedDocument
from schema.types.issuers import Issuer
from schema.types.shared import (
    DocumentVerdict,
    SharedConsent,
    SharedConsentResult,
    SharedDocument,
    SharedDocumentResult,
    VerifyDocumentResult,
)
from schema.types.stats import Stats

MeResult = Annotated[
    Resident | Problem,
    strawberry.union("MeResult", description="The resident, or why not signed in."),
]
DocumentResult = Annotated[
    IssuedDocument | Problem,
    strawberry.union(
        "DocumentResult", description="The document, or why it cannot be read."
    ),
]


@strawberry.type(description="What can be read.")
class Query:
    @strawberry.field(
        description="Issuers serving this locker, with the forms to find their "
        "documents."
    )
    def issuers(self, info: Info[LockerContext, None]) -> list[Issuer]:
        return [Issuer.of(adapter) for adapter in documents.issuers(info.context)]

    @strawberry.field(description="The signed-in resident.")
    async def me(self, info: Info[LockerContext, None]) -> MeResult:
        return await outcome(accounts.me(info.context), Resident.of)

    @strawberry.field(description="A document in the signed-in resident's locker.")
    async def document(
        self,
        info: Info[LockerContext, None],
        uri: Annotated[str, strawberry.argument(description="The document's URI.")],
    ) -> DocumentResult:
        return await outcome(documents.document(info.context, uri), IssuedDocument.of)

    @strawberry.field(
        description="The X.509 certificate (PEM) of the locker's own CA, which "
        "issues the certificates residents self-attest their files with: the "
        "trust root to validate an eSigned PDF with any PAdES validator."
    )
    async def locker_certificate_authority(
        self, info: Info[LockerContext, None]
    ) -> str:
        return await uploads.certificate_authority(info.context)

    @strawberry.field(
        description="The public keys (a JWK Set, as JSON) that verify consent "
        "artefacts: anyone holding an artefact checks its ES256 signature with "
        "the key its `kid` names."
    )
    async def consent_signing_keys(self, info: Info[LockerContext, None]) -> str:
        return await consents.consent_signing_keys(info.context)

    @strawberry.field(description="Public counts of residents, documents and more.")
    async def stats(self, info: Info[LockerContext, None]) -> Stats:
        return Stats.of(await documents.stats(info.context))

    @strawberry.field(
        description="For requesters: the consent your access token stands for, "
        "with the documents it shares. Reading it counts nothing."
    )
    async def shared_consent(
        self, info: Info[LockerContext, None]
    ) -> SharedConsentResult:
        return await outcome(requester_reads.consent(info.context), SharedConsent.of)

    @strawberry.field(
        description="For requesters: one document your consent shares. Any other "
        "URI answers NOT_GRANTED. Reading its `metadata` or `xml` counts a read."
    )
    async def shared_document(
        self,
        info: Info[LockerContext, None],
        uri: Annotated[str, strawberry.argument(description="The document's URI.")],
    ) -> SharedDocumentResult:
        return await outcome(
            requester_reads.document(info.context, uri), SharedDocument.of
        )

    @strawberry.field(
        description="For requesters: check a document your consent shares (in any "
        "form): the issuer's signatures on the locker's XML and PDF, and its "
        "status asked of the issuer now. Counts one read, logged under the least "
        "revealing form granted."
    )
    async def verify_document(
        self,
        info: Info[LockerContext, None],
        uri: Annotated[str, strawberry.argument(description="The document's URI.")],
    ) -> VerifyDocumentResult:
        return await outcome(
            requester_reads.verify(info.context, uri), DocumentVerdict.of
        )
