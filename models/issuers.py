"""What issuers hold at the locker: API tokens, and the URIs they pushed."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.accounts import Account


class IssuerToken(Model):
    """A bearer token an issuer's systems call the GraphQL API with.

    Kept only as a keyed hash (``token_hash``); the token itself is shown once,
    when the operator makes it. ``label`` says which system holds it.
    """

    id = fields.UUIDField(primary_key=True)
    issuer_id = fields.CharField(max_length=100, db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    label = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "issuer_token"


class PushedDocument(Model):
    """A URI an issuer pushed for the holder of an Aadhaar number.

    The holder is found by ``aadhaar_hash`` (the keyed hash accounts are looked
    up by; the number itself is never kept). ``account`` is set once the URI
    is in that resident's locker: at once when they have linked the number,
    else when they link it. Updates and deletions by the issuer find the row
    by ``(aadhaar_hash, uri)``.
    """

    id = fields.UUIDField(primary_key=True)
    issuer_id = fields.CharField(max_length=100)
    uri = fields.CharField(max_length=200)
    doc_type = fields.CharField(max_length=5)
    name = fields.CharField(max_length=200)
    doc_id = fields.CharField(max_length=100, default="")
    issued_on = fields.DateField(null=True)
    valid_from = fields.DateField(null=True)
    valid_to = fields.DateField(null=True)
    aadhaar_hash = fields.CharField(max_length=64)
    account: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account",
        related_name="pushed_documents",
        null=True,
        on_delete=fields.SET_NULL,
    )
    account_id: uuid.UUID | None
    pushed_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "pushed_document"
        unique_together = (("aadhaar_hash", "uri"),)
