"""Requesters as the operator registers them, and what registering answers."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry

from models import Requester as RequesterRow
from services.requesters import CLIENT_SECRET_BASIC, PRIVATE_KEY_JWT, purposes_of


@strawberry.enum(description="How a requester proves who it is to the locker.")
class ClientAuthMethod(enum.Enum):
    CLIENT_SECRET_BASIC = strawberry.enum_value(
        CLIENT_SECRET_BASIC,
        description="With the client secret the locker gave it at registration.",
    )
    PRIVATE_KEY_JWT = strawberry.enum_value(
        PRIVATE_KEY_JWT,
        description="With a JWT signed by a key whose public half it registered.",
    )


@strawberry.type(description="A reason a requester may give for asking.")
class Purpose:
    code: str = strawberry.field(
        description="Stable code, such as `ADMISSION` or `EMPLOYMENT_VERIFICATION`."
    )
    text: str = strawberry.field(description="The sentence a resident reads.")


@strawberry.type(
    description="An organisation (a university, an employer, a passport office) "
    "that may ask residents for documents."
)
class Requester:
    client_id: str = strawberry.field(
        description="The id it presents to the authorization server."
    )
    org_id: str = strawberry.field(description="Short id of the organisation.")
    name: str = strawberry.field(description="The organisation's name.")
    redirect_uris: list[str] = strawberry.field(
        description="Where residents are sent back; matched exactly."
    )
    purposes: list[Purpose] = strawberry.field(description="The purposes it may state.")
    doc_types: list[str] = strawberry.field(
        description="The doc types it may ask for (codes from `issuers`)."
    )
    auth_method: ClientAuthMethod = strawberry.field(
        description="How it authenticates."
    )
    active: bool = strawberry.field(
        description="False once the operator deactivated it."
    )
    created_at: datetime = strawberry.field(description="When it was registered.")

    @classmethod
    def of(cls, row: RequesterRow) -> Requester:
        return cls(
            # The column is nullable, but every registration sets it.
            client_id=row.client_id or "",
            org_id=row.org_id,
            name=row.name,
            redirect_uris=list(row.redirect_uris),
            purposes=[Purpose(code=p.code, text=p.text) for p in purposes_of(row)],
            doc_types=list(row.doc_types),
            auth_method=ClientAuthMethod(row.auth_method),
            active=row.active,
            created_at=row.created_at,
        )


@strawberry.type(description="The requester is registered.")
class RequesterRegistered:
    requester: Requester = strawberry.field(description="The new requester.")
    client_secret: str | None = strawberry.field(
        description="Its client secret, shown this once: hand it to the "
        "requester now, the locker keeps only a hash. Null for `PRIVATE_KEY_JWT`."
    )


@strawberry.input(description="A purpose a requester may state.")
class PurposeInput:
    code: str = strawberry.field(
        description="Capital letters, digits and underscores, up to 32 characters "
        "(`ADMISSION`)."
    )
    text: str = strawberry.field(
        description="The sentence a resident reads, up to 300 characters."
    )


@strawberry.input(description="A requester to register.")
class RegisterRequesterInput:
    org_id: str = strawberry.field(
        description="Short id of the organisation: lowercase letters and digits, "
        "words joined by hyphens (`iitm`); unique."
    )
    name: str = strawberry.field(
        description="The organisation's name, as residents will see it."
    )
    redirect_uris: list[str] = strawberry.field(
        description="Absolute `https` URIs (`http` only on 127.0.0.1 or "
        "localhost), without fragments or wildcards."
    )
    purposes: list[PurposeInput] = strawberry.field(
        description="The purposes it may state."
    )
    doc_types: list[str] = strawberry.field(
        description="The doc types it may ask for; each must be one an issuer declares."
    )
    jwks: str | None = strawberry.field(
        default=None,
        description="For `PRIVATE_KEY_JWT`: its public keys as JWKS JSON text "
        '(`{"keys": [...]}`). Omit it to get a client secret instead.',
    )
