"""Issuers and what a resident fills in to find their documents."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from adapters.sdk import DocTypeSpec, IssuerAdapter
from adapters.sdk import LookupField as LookupFieldSpec
from resolvers import documents as resolvers
from resolvers.context import LockerContext


@strawberry.type(description="An input of an issuer's search form.")
class LookupField:
    name: str = strawberry.field(description="Name to send in `pullDocument`.")
    label: str = strawberry.field(description="Label to show the resident.")
    example: str = strawberry.field(description="An example of a valid value.")
    pattern: str = strawberry.field(
        description="Regular expression a valid value matches in full (after "
        "trimming, and upper-casing where the issuer does)."
    )
    description: str = strawberry.field(description="Help text; may be empty.")

    @classmethod
    def of(cls, spec: LookupFieldSpec) -> LookupField:
        return cls(
            name=spec.name,
            label=spec.label,
            example=spec.example,
            pattern=spec.pattern,
            description=spec.description,
        )


@strawberry.type(description="A kind of document an issuer issues.")
class DocType:
    code: str = strawberry.field(description="Doc type code, e.g. `HSCER`.")
    name: str = strawberry.field(description="Name a person reads.")
    description: str = strawberry.field(description="What the document is.")
    lookup_fields: list[LookupField] = strawberry.field(
        description="What the resident fills in to find one."
    )

    @classmethod
    def of(cls, spec: DocTypeSpec) -> DocType:
        return cls(
            code=spec.code,
            name=spec.name,
            description=spec.description,
            lookup_fields=[LookupField.of(lookup) for lookup in spec.lookup_fields],
        )


@strawberry.type(description="An issuer whose documents residents can pull.")
class Issuer:
    id: str = strawberry.field(description="Issuer id, e.g. `in.gov.cbse`.")
    name: str = strawberry.field(description="Name a person reads.")
    doc_types: list[DocType] = strawberry.field(
        description="The document types it issues."
    )
    adapter: strawberry.Private[IssuerAdapter]

    @classmethod
    def of(cls, adapter: IssuerAdapter) -> Issuer:
        return cls(
            id=adapter.issuer_id,
            name=adapter.name,
            doc_types=[DocType.of(spec) for spec in adapter.doc_types],
            adapter=adapter,
        )

    @strawberry.field(
        description="The X.509 certificate (PEM) that the XML and PDF signatures of "
        "this issuer's documents verify against."
    )
    def certificate(self, info: Info[LockerContext, None]) -> str:
        return resolvers.issuer_certificate(info.context, self.adapter)


@strawberry.input(description="One value of an issuer's search form.")
class LookupValue:
    name: str = strawberry.field(description="The lookup field's `name`.")
    value: str = strawberry.field(description="What the resident typed.")
