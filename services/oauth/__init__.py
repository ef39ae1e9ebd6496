"""The locker's OAuth 2.0 authorization server for requesters.

``server`` is the authorization server (authlib's, integrated here), with its
parts: ``grants`` (authorization code with PKCE, refresh with rotation),
``clients`` (requesters as clients, and how they authenticate), ``codes``,
``endpoints`` (revocation, introspection), ``scopes`` (the locker's own
request parameters), ``messages`` (requests and answers free of any web
framework) and ``bridge`` (authlib's synchronous core beside the async
database). ``authorize`` is the contract with the consent page. ``tokens``
issues and checks the tokens a requester reads documents with, each bound to
one consent.
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
