"""Residents, their sessions and the one-time passwords that prove a mobile."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Account(Model):
    """A resident's account.

    The Aadhaar number is kept only as AES-GCM ciphertext (``aadhaar_encrypted``),
    a keyed hash to find it (``aadhaar_hash``) and its last four digits to show it
    masked. ``verified_*`` is the identity eKYC confirmed when Aadhaar was linked.
    """

    id = fields.UUIDField(primary_key=True)
    username = fields.CharField(max_length=32, unique=True)
    mobile = fields.CharField(max_length=10, unique=True)
    password_hash = fields.CharField(max_length=256)
    created_at = fields.DatetimeField(auto_now_add=True)
    aadhaar_encrypted = fields.BinaryField(null=True)
    aadhaar_hash = fields.CharField(max_length=64, unique=True, null=True)
    aadhaar_last4 = fields.CharField(max_length=4, null=True)
    aadhaar_linked_at = fields.DatetimeField(null=True)
    verified_name = fields.CharField(max_length=200, null=True)
    verified_dob = fields.DateField(null=True)
    verified_gender = fields.CharField(max_length=1, null=True)
    # bytes of uploaded files, and of uploads in progress; changed only by
    # conditional UPDATEs so that concurrent uploads never pass the quota
    storage_used = fields.BigIntField(default=0)

    class Meta:
        table = "account"


class OtpChallenge(Model):
    """An OTP sent for one purpose, stored only as a keyed hash.

    ``payload`` carries what the purpose needs once the OTP is verified (for an
    Aadhaar link, the encrypted number and its hash), never a secret in clear.
    """

    id = fields.UUIDField(primary_key=True)
    purpose = fields.CharField(max_length=32)
    mobile = fields.CharField(max_length=10)
    code_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    verified_at = fields.DatetimeField(null=True)
    consumed_at = fields.DatetimeField(null=True)
    account: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account",
        related_name="otp_challenges",
        null=True,
        on_delete=fields.CASCADE,
    )
    payload: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)

    class Meta:
        table = "otp_challenge"


class Session(Model):
    """A signed-in session. The bearer token is stored only as its SHA-256."""

    id = fields.UUIDField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="sessions", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    # why it ended: "logout", or "expired" (idle or past its lifetime)
    end_reason = fields.CharField(max_length=16, null=True)
    client_address = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=256, default="")

    class Meta:
        table = "session"
