"""Requesters: organisations that read residents' documents under consent."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Requester(Model):
    """A registered requester (a university, an employer, a passport office)."""

    id = fields.UUIDField(primary_key=True)
    org_id = fields.CharField(max_length=100, unique=True)
    name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "requester"
