"""The authorization server's grants: authorization codes and token pairs.

Every code and token is kept only as its SHA-256 (``services.crypto.hash_token``),
so the database never holds one that could be replayed. Each belongs to one
consent: a requester's token reads what that consent allows and nothing else.
"""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.accounts import Account
from models.requesters import Consent, Requester


class AuthorizationCode(Model):
    """A code the consent page gave a requester, to exchange once for tokens.

    ``consent`` is what the resident granted on the page. The code is bound to
    the redirect URI and PKCE challenge it was asked for, lives a minute, and
    ``used_at`` marks its one exchange (set by a conditional UPDATE).
    """

    id = fields.UUIDField(primary_key=True)
    code_hash = fields.CharField(max_length=64, unique=True)
    requester: fields.ForeignKeyRelation[Requester] = fields.ForeignKeyField(
        "models.Requester", related_name="authorization_codes", on_delete=fields.CASCADE
    )
    requester_id: uuid.UUID
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="authorization_codes", on_delete=fields.CASCADE
    )
    account_id: uuid.UUID
    consent: fields.ForeignKeyRelation[Consent] = fields.ForeignKeyField(
        "models.Consent", related_name="authorization_codes", on_delete=fields.CASCADE
    )
    consent_id: uuid.UUID
    redirect_uri = fields.CharField(max_length=2000)
    scope = fields.TextField(default="")
    code_challenge = fields.CharField(max_length=128)
    code_challenge_method = fields.CharField(max_length=10, default="S256")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "oauth_authorization_code"


class OAuthToken(Model):
    """One access token and its refresh token, issued to a requester.

    Refreshing rotates: the used pair is marked ``rotated_at`` and a new pair
    joins the same ``family_id``. A rotated refresh token presented again means
    it was stolen or replayed, and the whole family is revoked
    (``revoked_at``), as RFC 9700 advises.
    """

    id = fields.UUIDField(primary_key=True)
    family_id = fields.UUIDField(db_index=True)
    access_token_hash = fields.CharField(max_length=64, unique=True)
    refresh_token_hash = fields.CharField(max_length=64, unique=True, null=True)
    requester: fields.ForeignKeyRelation[Requester] = fields.ForeignKeyField(
        "models.Requester", related_name="tokens", on_delete=fields.CASCADE
    )
    requester_id: uuid.UUID
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="oauth_tokens", on_delete=fields.CASCADE
    )
    account_id: uuid.UUID
    consent: fields.ForeignKeyRelation[Consent] = fields.ForeignKeyField(
        "models.Consent", related_name="tokens", on_delete=fields.CASCADE
    )
    consent_id: uuid.UUID
    scope = fields.TextField(default="")
    issued_at = fields.DatetimeField()
    access_expires_at = fields.DatetimeField()
    refresh_expires_at = fields.DatetimeField(null=True)
    rotated_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "oauth_token"
