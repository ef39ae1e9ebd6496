"""Issuers pushing documents into residents' lockers."""

from __future__ import annotations

import datetime
import enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers import issuers
from resolvers.context import LockerContext
from schema.errors import ErrorCode, Problem
from services.errors import LockerError, PushRefused
from services.issuers.pushes import PushAction as PushActionValue
from services.issuers.pushes import PushItem, PushReceipt


@strawberry.enum(description="What to do with a pushed URI.")
class PushAction(enum.Enum):
    ADD = strawberry.enum_value(
        PushActionValue.ADD.value, description="Put it in the holder's locker."
    )
    UPDATE = strawberry.enum_value(
        PushActionValue.UPDATE.value,
        description="Change its name and have the next read ask the issuer again "
        "(an unknown URI is added).",
    )
    DELETE = strawberry.enum_value(
        PushActionValue.DELETE.value,
        description="Take it out of the holder's locker.",
    )


@strawberry.input(description="One URI an issuer pushes for an Aadhaar holder.")
class PushedDocumentInput:
    aadhaar: str = strawberry.field(
        description="The holder's 12-digit Aadhaar number; never stored or shown."
    )
    uri: str = strawberry.field(description="`IssuerId-DocType-DocId`, your own.")
    doc_type: str = strawberry.field(description="The URI's doc type code.")
    action: PushAction = strawberry.field(description="What to do with it.")
    name: str = strawberry.field(
        default="", description="Title the resident sees; default: the doc type's."
    )
    doc_id: str = strawberry.field(default="", description="Your own document id.")
    issued_on: datetime.date | None = strawberry.field(
        default=None, description="When it was issued."
    )
    valid_from: datetime.date | None = strawberry.field(
        default=None, description="Start of validity."
    )
    valid_to: datetime.date | None = strawberry.field(
        default=None, description="End of validity."
    )


@strawberry.type(description="Every pushed URI was applied.")
class PushAccepted:
    added: int = strawberry.field(description="URIs added.")
    updated: int = strawberry.field(description="URIs updated.")
    deleted: int = strawberry.field(description="URIs deleted.")


@strawberry.type(description="What was wrong with one pushed URI.")
class PushProblem:
    position: int = strawberry.field(description="Its 1-based position in `documents`.")
    code: ErrorCode = strawberry.field(description="Stable machine code.")
    message: str = strawberry.field(description="A sentence for the operator.")
    field: str | None = strawberry.field(description="The input field at fault.")


@strawberry.type(description="Nothing of the push was applied, because of these.")
class PushRefusal:
    problems: list[PushProblem] = strawberry.field(
        description="One entry per URI at fault."
    )


PushDocumentsResult = Annotated[
    PushAccepted | PushRefusal | Problem,
    strawberry.union(
        "PushDocumentsResult",
        description="The push was applied, refused URI by URI, or refused.",
    ),
]


def _problem(position: int, error: LockerError) -> PushProblem:
    return PushProblem(
        position=position,
        code=ErrorCode[error.code],
        message=error.message,
        field=error.field,
    )


@strawberry.type(description="Pushing documents (issuers only).")
class IssuerMutations:
    @strawberry.mutation(
        description="Push URIs into the lockers of their holders, found by Aadhaar "
        "number; a URI whose holder has not linked Aadhaar here yet appears when "
        "they do. Checked as a whole: one bad URI and nothing is applied. Needs "
        "an issuer token (`olis_…`)."
    )
    async def push_documents(
        self,
        info: Info[LockerContext, None],
        documents: Annotated[
            list[PushedDocumentInput],
            strawberry.argument(description="At most 100 URIs."),
        ],
    ) -> PushDocumentsResult:
        items = [
            PushItem(
                aadhaar=document.aadhaar,
                uri=document.uri,
                doc_type=document.doc_type,
                action=PushActionValue[document.action.name],
                name=document.name,
                doc_id=document.doc_id,
                issued_on=document.issued_on,
                valid_from=document.valid_from,
                valid_to=document.valid_to,
            )
            for document in documents
        ]
        try:
            receipt: PushReceipt = await issuers.push_documents(info.context, items)
        except PushRefused as refused:
            return PushRefusal(
                problems=[_problem(position, e) for position, e in refused.problems]
            )
        except LockerError as error:
            return Problem.of(error)
        return PushAccepted(
            added=receipt.added, updated=receipt.updated, deleted=receipt.deleted
        )
