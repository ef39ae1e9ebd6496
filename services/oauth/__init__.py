"""The locker's OAuth 2.0 authorization server for requesters.

``tokens`` issues and checks the tokens a requester reads documents with,
each bound to one consent.
"""

from services.oauth.tokens import (
    ACCESS_TOKEN_PREFIX,
    REFRESH_TOKEN_PREFIX,
    IssuedTokens,
    RequesterAccess,
    TokenService,
    is_access_token,
)

__all__ = [
    "ACCESS_TOKEN_PREFIX",
    "REFRESH_TOKEN_PREFIX",
    "IssuedTokens",
    "RequesterAccess",
    "TokenService",
    "is_access_token",
]
