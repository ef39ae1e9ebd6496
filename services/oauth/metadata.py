"""Where the locker's OAuth endpoints are, and what it tells requesters of itself.

``server_metadata`` is the authorization server metadata document (RFC 8414,
with RFC 9207's ``authorization_response_iss_parameter_supported``) served at
``/.well-known/oauth-authorization-server``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.oauth.authorize import DOCTYPE_SCOPE_PREFIX
from services.oauth.clients import ASSERTION_ALGORITHMS, AUTH_METHODS
from services.oauth.scopes import SCOPE_PATTERNS

AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a secret
REVOKE_PATH = "/oauth/revoke"
INTROSPECT_PATH = "/oauth/introspect"


def server_metadata(issuer: str, doc_types: Iterable[str]) -> dict[str, Any]:
    """The metadata document for the locker at ``issuer``.

    ``scopes_supported`` lists a ``doctype/`` scope for every doc type an
    issuer here declares; ``issued/`` scopes, one per document, cannot be
    listed, so ``scope_patterns`` (an addition of the locker's) gives the form
    of both.
    """
    endpoint_auth = {
        f"{endpoint}_endpoint_auth_methods_supported": list(AUTH_METHODS)
        for endpoint in ("token", "revocation", "introspection")
    }
    endpoint_algorithms = {
        f"{endpoint}_endpoint_auth_signing_alg_values_supported": list(
            ASSERTION_ALGORITHMS
        )
        for endpoint in ("token", "revocation", "introspection")
    }
    return {
        "issuer": issuer,
        "authorization_endpoint": issuer + AUTHORIZE_PATH,
        "token_endpoint": issuer + TOKEN_PATH,
        "revocation_endpoint": issuer + REVOKE_PATH,
        "introspection_endpoint": issuer + INTROSPECT_PATH,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        **endpoint_auth,
        **endpoint_algorithms,
        "scopes_supported": [
            DOCTYPE_SCOPE_PREFIX + code for code in sorted(set(doc_types))
        ],
        "scope_patterns": list(SCOPE_PATTERNS),
        "authorization_response_iss_parameter_supported": True,
    }
