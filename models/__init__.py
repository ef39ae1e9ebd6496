"""Tortoise ORM models; migrations live in ``models.migrations``."""

from models.accounts import Account, OtpChallenge, Session
from models.documents import IssuedDocument
from models.requesters import Requester

__all__ = ["Account", "IssuedDocument", "OtpChallenge", "Requester", "Session"]
