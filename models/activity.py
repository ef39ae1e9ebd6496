"""The resident's activity log: who read which document, and consent changes."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts import Account


class ActivityEntry(Model):
    """One entry in a resident's hash-chained activity log.

    ``seq`` counts the account's entries from 1 with no gaps. ``hash`` is the
    SHA-256 of the entry's fields and ``prev_hash`` (the previous entry's hash),
    as ``services.activity`` defines them. ``consent_id`` is a plain string, not
    a foreign key, so that the chain outlives the consent it names.
    """

    id = fields.UUIDField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="activity_entries", on_delete=fields.CASCADE
    )
    account_id: uuid.UUID  # the foreign key's column, set by Tortoise
    seq = fields.IntField()
    at = fields.DatetimeField()
    kind = fields.CharField(max_length=32)
    requester_id = fields.CharField(max_length=100)
    requester_name = fields.CharField(max_length=200)
    consent_id = fields.CharField(max_length=64, null=True)
    document_uri = fields.CharField(max_length=200, null=True)
    form = fields.CharField(max_length=16, null=True)
    purpose = fields.TextField(null=True)
    details: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "activity_entry"
        unique_together = (("account", "seq"),)
