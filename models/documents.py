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
    #: ``pull`` when the resident found it, ``push`` when the issuer sent it.
    source = fields.CharField(max_length=8, default="pull")

    class Meta:
        table = "issued_document"
        unique_together = (("account", "uri"),)


class UploadedDocument(Model):
    """A file the resident uploaded (or eSigned), stored encrypted.

    ``status`` is ``pending`` from ``startUpload`` until the bytes have been
    checked and stored, then ``ready``. A pending row holds its declared
    ``size`` of the resident's quota until ``expires_at``. The stored object
    is ``object_key``, readable only with ``wrapped_key`` (its data key,
    wrapped by the master key). ``name`` is what the resident typed, for
    display only: it is never part of a storage path.
    """

    id = fields.UUIDField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="uploads", on_delete=fields.CASCADE
    )
    account_id: uuid.UUID
    status = fields.CharField(max_length=16)
    name = fields.CharField(max_length=255)
    description = fields.CharField(max_length=500, default="")
    doc_type = fields.CharField(max_length=16, null=True)
    folder = fields.CharField(max_length=600, default="")
    size = fields.BigIntField()
    content_type = fields.CharField(max_length=64, default="")
    sha256 = fields.CharField(max_length=64, default="")
    pages = fields.IntField(null=True)
    object_key = fields.CharField(max_length=100)
    wrapped_key = fields.BinaryField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    signed_from: fields.ForeignKeyNullableRelation[UploadedDocument] = (
        fields.ForeignKeyField(
            "models.UploadedDocument",
            related_name="signed_copies",
            null=True,
            on_delete=fields.SET_NULL,
        )
    )
    signed_from_id: uuid.UUID | None
    signer_name = fields.CharField(max_length=200, null=True)
    signed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "uploaded_document"
        indexes = (("account_id", "status", "created_at"),)
