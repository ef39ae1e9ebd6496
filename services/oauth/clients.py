"""Requesters as authlib's OAuth clients, and how they prove who they are.

A requester authenticates at the token, revocation and introspection endpoints
the one way it was registered for (``Requester.auth_method``):

- ``client_secret_basic``: its client id and secret in HTTP Basic, checked by
  ``RequesterRegistry.authenticate_secret`` (keyed hash, constant time);
- ``private_key_jwt`` (RFC 7523): a client assertion signed with a key of the
  JWKS it registered, addressed to the token endpoint, used once (its ``jti``
  is remembered in the rate limiter's store, shared by every process when
  Redis is configured).

Nothing else: no ``client_secret_post``, no public clients.
"""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from models import Requester
from services.clock import Clock
from services.errors import InvalidCredentials
from services.oauth.bridge import in_loop
from services.ratelimit import Limit, RateLimiter
from services.requesters import CLIENT_SECRET_BASIC, PRIVATE_KEY_JWT, RequesterRegistry

AUTH_METHODS = [CLIENT_SECRET_BASIC, PRIVATE_KEY_JWT]
"""Every way a requester may authenticate, in the order they are tried."""

GRANT_TYPES = frozenset({"authorization_code", "refresh_token"})

ASSERTION_ALGORITHMS = [
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "Ed25519",
    "Ed448",
]
"""Signatures a client assertion may carry: every asymmetric one the keys a
requester may register can make (``services.requesters``), and never ``none``
or an HMAC."""

MOST_ASSERTION_SECONDS = 3600
"""The longest a client assertion may stay valid (give or take the leeway for
clock skew); authlib's clients default to an hour. Its ``jti`` is remembered
that long."""


class RequesterClient:
    """One requester, answering authlib's ``ClientMixin`` questions.

    The requester row is read once, before authlib asks; only checking a
    client secret goes back to the database, through the registry.
    """

    def __init__(self, requester: Requester, registry: RequesterRegistry) -> None:
        self.requester = requester
        self._registry = registry

    def get_client_id(self) -> str:
        return self.requester.client_id or ""

    def get_default_redirect_uri(self) -> None:
        """None: every request must name its redirect URI."""
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        """The scope as asked, without repeats (already checked by the grant)."""
        return " ".join(dict.fromkeys((scope or "").split()))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Exactly one of the registered URIs, character for character."""
        return redirect_uri in self.requester.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        try:
            in_loop(
                self._registry.authenticate_secret, self.get_client_id(), client_secret
            )
        except InvalidCredentials:
            return False
        return True

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.requester.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES


class RequesterAssertion(JWTBearerClientAssertion):
    """``private_key_jwt``: a requester's signed client assertion (RFC 7523).

    authlib checks the signature, ``iss`` = ``sub`` = the client id, ``aud``
    and ``exp``; this class supplies the keys, the audiences, the algorithms
    and the memory of used ``jti`` values.
    """

    CLIENT_AUTH_METHOD = PRIVATE_KEY_JWT

    def __init__(
        self, *, audiences: list[str], limiter: RateLimiter, clock: Clock
    ) -> None:
        super().__init__(validate_jti=True)
        self._audiences = audiences
        self._limiter = limiter
        self._clock = clock
        # Kept while an assertion can pass: its longest life, and the leeway on
        # both ends (clocks differ, and authlib accepts one just expired).
        self._used = Limit.fixed_window(1, MOST_ASSERTION_SECONDS + 2 * self.leeway)

    def get_audiences(self) -> list[str]:
        return self._audiences

    def resolve_client_public_key(self, client: RequesterClient) -> KeySet:
        if client.requester.jwks is None:
            raise InvalidClientError(
                description="This client has no registered keys to sign with."
            )
        # joserfc types a key set more narrowly than the JSON it reads.
        return KeySet.import_key_set(client.requester.jwks)  # type: ignore[arg-type]

    def process_assertion_claims(self, assertion: str, key: KeySet) -> dict[str, Any]:
        """Verify the signature with the algorithms allowed, then the claims."""
        try:
            token = jwt.decode(assertion, key, algorithms=ASSERTION_ALGORITHMS)
        except JoseError as error:
            raise InvalidClientError(
                description="The client assertion's signature does not verify."
            ) from error

        self.verify_claims(token.claims)
        return token.claims

    def validate_jti(self, claims: dict[str, Any], jti: Any) -> bool:
        """Accept each ``jti`` once, and only from a short-lived assertion."""
        lifetime = float(claims["exp"]) - self._clock.now().timestamp()
        if lifetime > MOST_ASSERTION_SECONDS + self.leeway:
            raise InvalidClientError(
                description=f"A client assertion may be valid for at most "
                f"{MOST_ASSERTION_SECONDS} seconds."
            )
        key = self._limiter.key("oauth-assertion", f"{claims['sub']}\n{jti}")

        return in_loop(self._limiter.hit, key, self._used)
