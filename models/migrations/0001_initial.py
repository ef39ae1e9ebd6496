from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Account",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                ("username", fields.CharField(unique=True, max_length=32)),
                ("mobile", fields.CharField(unique=True, max_length=10)),
                ("password_hash", fields.CharField(max_length=256)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("aadhaar_encrypted", fields.BinaryField(null=True)),
                (
                    "aadhaar_hash",
                    fields.CharField(null=True, unique=True, max_length=64),
                ),
                ("aadhaar_last4", fields.CharField(null=True, max_length=4)),
                (
                    "aadhaar_linked_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("verified_name", fields.CharField(null=True, max_length=200)),
                ("verified_dob", fields.DateField(null=True)),
                ("verified_gender", fields.CharField(null=True, max_length=1)),
            ],
            options={
                "table": "account",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A resident's account.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="IssuedDocument",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="issued_documents",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("uri", fields.CharField(max_length=200)),
                ("issuer_id", fields.CharField(max_length=100)),
                ("doc_type", fields.CharField(max_length=5)),
                ("name", fields.CharField(max_length=200)),
                ("pulled_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "issued_document",
                "app": "models",
                "unique_together": (("account", "uri"),),
                "pk_attr": "id",
                "table_description": "A URI an issuer issued to the resident: a reference, not a copy.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OtpChallenge",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                ("purpose", fields.CharField(max_length=32)),
                ("mobile", fields.CharField(max_length=10)),
                ("code_hash", fields.CharField(max_length=64)),
                (
                    "created_at",
                    fields.DatetimeField(auto_now=False, auto_now_add=False),
                ),
                (
                    "expires_at",
                    fields.DatetimeField(auto_now=False, auto_now_add=False),
                ),
                ("attempts", fields.IntField(default=0)),
                (
                    "verified_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "consumed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="account_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="otp_challenges",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "payload",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
            ],
            options={
                "table": "otp_challenge",
                "app": "models",
                "pk_attr": "id",
                "table_description": "An OTP sent for one purpose, stored only as a keyed hash.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Requester",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                ("org_id", fields.CharField(unique=True, max_length=100)),
                ("name", fields.CharField(max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "requester",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A registered requester (a university, an employer, a passport office).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Session",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                (
                    "created_at",
                    fields.DatetimeField(auto_now=False, auto_now_add=False),
                ),
                (
                    "last_seen_at",
                    fields.DatetimeField(auto_now=False, auto_now_add=False),
                ),
                (
                    "expires_at",
                    fields.DatetimeField(auto_now=False, auto_now_add=False),
                ),
                (
                    "ended_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("client_address", fields.CharField(default="", max_length=64)),
                ("user_agent", fields.CharField(default="", max_length=256)),
            ],
            options={
                "table": "session",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A signed-in session. The bearer token is stored only as its SHA-256.",
            },
            bases=["Model"],
        ),
    ]
