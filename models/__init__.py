"""Tortoise ORM models; migrations live in ``models.migrations``."""

from models.accounts import Account, OtpChallenge, Session
from models.activity import ActivityEntry
from models.documents import IssuedDocument, UploadedDocument
from models.issuers import IssuerToken, PushedDocument
from models.oauth import AuthorizationCode, OAuthToken
from models.requesters import Consent, Requester
from models.security import ClosedAccount, SecurityEvent

__all__ = [
    "Account",
    "ActivityEntry",
    "AuthorizationCode",
    "ClosedAccount",
    "Consent",
    "IssuedDocument",
    "IssuerToken",
    "OAuthToken",
    "OtpChallenge",
    "PushedDocument",
    "Requester",
    "SecurityEvent",
    "Session",
    "UploadedDocument",
]
