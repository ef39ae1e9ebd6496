"""What the resident sees of their account's security, and what erasure keeps."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.accounts import Account


class SecurityEvent(Model):
    """A security-relevant event on an account, shown to the resident.

    ``detail`` holds only what the resident may see (never an OTP, password,
    token or Aadhaar number).
    """

    id = fields.UUIDField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="security_events", on_delete=fields.CASCADE
    )
    account_id: uuid.UUID  # the foreign key's column, set by Tortoise
    kind = fields.CharField(max_length=32)
    created_at = fields.DatetimeField()
    client_address = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=256, default="")
    detail = fields.CharField(max_length=200, default="")

    class Meta:
        table = "security_event"
        indexes = (("account_id", "created_at"),)


class ClosedAccount(Model):
    """The record kept of a closed account: that it existed, and when.

    No personal data: not the username, mobile, Aadhaar or identity.
    """

    id = fields.UUIDField(primary_key=True)
    created_at = fields.DatetimeField()
    closed_at = fields.DatetimeField()

    class Meta:
        table = "closed_account"
