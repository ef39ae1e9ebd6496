"""Pulling issued documents into the locker."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import documents
from resolvers.context import LockerContext
from schema.errors import Problem, outcome
from schema.types.documents import DocumentPulled, IssuedDocument
from schema.types.issuers import LookupValue

PullDocumentResult = Annotated[
    DocumentPulled | Problem,
    strawberry.union(
        "PullDocumentResult", description="The document is in the locker, or why not."
    ),
]


@strawberry.type(description="Pulling issued documents into the locker.")
class DocumentMutations:
    @strawberry.mutation(
        description="Find a document at its issuer and, when it is the resident's, "
        "add its URI to the locker."
    )
    async def pull_document(
        self,
        info: Info[LockerContext, None],
        issuer_id: Annotated[
            str, strawberry.argument(description="Issuer id from `issuers`.")
        ],
        doc_type: Annotated[
            str, strawberry.argument(description="Doc type code from `issuers`.")
        ],
        lookup: Annotated[
            list[LookupValue],
            strawberry.argument(description="Values for the doc type's lookup fields."),
        ],
    ) -> PullDocumentResult:
        values = [(item.name, item.value) for item in lookup]
        return await outcome(
            documents.pull_document(info.context, issuer_id, doc_type, values),
            lambda pulled: DocumentPulled(
                document=IssuedDocument.of(pulled[0]), already_in_locker=not pulled[1]
            ),
        )
