"""Documents in a resident's locker."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.accounts import Account


class IssuedDocument(Model):
    """A URI an issuer issued to the resident: a reference, not a copy."""

    id = fields.UUIDField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="issued_documents", on_delete=fields.CASCADE
    )
    account_id: uuid.UUID  # the foreign key's column, set by Tortoise
    uri = fields.CharField(max_length=200)
    issuer_id = fields.CharField(max_length=100)
    doc_type = fields.CharField(max_length=5)
    name = fields.CharField(max_length=200)
    pulled_at = fields.DatetimeField()

    class Meta:
        table = "issued_document"
        unique_together = (("account", "uri"),)
