"""Requesters, and the consents residents give them."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts import Account


class Requester(Model):
    """A registered requester (a university, an employer, a passport office).

    ``client_id`` names it to the authorization server. It authenticates with
    a client secret, kept only as a keyed hash (``client_secret_hash``), or,
    for ``private_key_jwt``, with a key whose public half is ``jwks``.
    ``purposes`` (a list of ``{"code", "text"}``) and ``doc_types`` are all it
    may ask a resident for; ``redirect_uris`` are matched exactly.
    """

    id = fields.UUIDField(primary_key=True)
    org_id = fields.CharField(max_length=100, unique=True)
    name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)
    client_id = fields.CharField(max_length=64, unique=True, null=True)
    auth_method = fields.CharField(max_length=32, default="client_secret_basic")
    client_secret_hash = fields.CharField(max_length=128, null=True)
    jwks: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)
    redirect_uris: fields.Field[list[str]] = fields.JSONField(default=list)
    purposes: fields.Field[list[dict[str, str]]] = fields.JSONField(default=list)
    doc_types: fields.Field[list[str]] = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "requester"


class Consent(Model):
    """What a resident allowed one requester to read, for what and until when.

    ``documents`` is the grant: a list of ``{"uri", "forms"}`` (forms among
    metadata, xml and pdf). ``reads`` counts reads against ``max_reads`` (no
    limit when null), moved only by conditional UPDATEs. ``status`` is active,
    revoked or expired. ``artefact`` is the consent as the locker signed it
    (a compact JWS), kept exactly as issued.
    """

    id = fields.UUIDField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="consents", on_delete=fields.CASCADE
    )
    account_id: uuid.UUID
    requester: fields.ForeignKeyRelation[Requester] = fields.ForeignKeyField(
        "models.Requester", related_name="consents", on_delete=fields.CASCADE
    )
    requester_id: uuid.UUID
    purpose_code = fields.CharField(max_length=32)
    purpose_text = fields.CharField(max_length=300)
    documents: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField()
    valid_from = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    max_reads = fields.IntField(null=True)
    reads = fields.IntField(default=0)
    first_read_at = fields.DatetimeField(null=True)
    status = fields.CharField(max_length=16, default="active")
    revoked_at = fields.DatetimeField(null=True)
    artefact = fields.TextField()

    class Meta:
        table = "consent"
        indexes = (("account_id", "created_at"),)
