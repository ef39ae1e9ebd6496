"""The two grants the locker supports, as authlib grant classes.

- ``LockerCodeGrant``: the authorization code grant, with PKCE S256 required
  (``S256CodeChallenge``), the redirect URI matched exactly and ``state``
  required; the request also carries the locker's own parameters
  (``services.oauth.scopes``).
- ``LockerRefreshGrant``: refresh tokens, rotated on every use by
  ``TokenService.rotate``, which revokes the family when a rotated one comes
  back.

authlib validates and calls the hooks here from a worker thread; each hook
reaches the database through ``in_loop`` (see ``services.oauth.bridge``). No
implicit, password or client-credentials grant is registered, so authlib
answers ``unsupported_response_type`` or ``unsupported_grant_type`` for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from authlib.oauth2.rfc6749 import (
    AuthorizationCodeGrant,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Error,
    OAuth2Request,
    RefreshTokenGrant,
)
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7636.challenge import compare_s256_code_challenge

from models import Account, Consent, OAuthToken, Requester
from services.consents import ConsentStatus
from services.crypto import new_token
from services.errors import NotAuthenticated
from services.oauth.authorize import AuthorizationRequest
from services.oauth.bridge import in_loop
from services.oauth.clients import AUTH_METHODS, RequesterClient
from services.oauth.codes import Exchange, IssuedCode
from services.oauth.scopes import (
    RequestedScope,
    granted_scope,
    parse_scope,
    parse_terms,
    require_state,
)

if TYPE_CHECKING:
    from services.oauth.server import LockerAuthorizationServer


@dataclass(frozen=True)
class Approval:
    """The resident who approved, and the consent they granted."""

    account: Account
    consent: Consent


class S256CodeChallenge(CodeChallenge):
    """PKCE (RFC 7636) required on every request, with S256 only.

    authlib's own extension lets a request without a challenge through and
    takes ``plain`` as the default method; the locker refuses both.
    """

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]
    CODE_CHALLENGE_METHODS: ClassVar[dict[str, Callable[[str, str], bool]]] = {
        "S256": compare_s256_code_challenge
    }

    def validate_code_challenge(
        self, grant: LockerCodeGrant, redirect_uri: str
    ) -> None:
        params = grant.request.payload.data
        if not params.get("code_challenge"):
            raise InvalidRequestError(
                "Give code_challenge: PKCE (RFC 7636) with S256 is required."
            )
        if params.get("code_challenge_method") != "S256":
            raise InvalidRequestError(
                "Give code_challenge_method=S256; plain is not accepted."
            )
        super().validate_code_challenge(grant, redirect_uri)


class LockerCodeGrant(AuthorizationCodeGrant):
    """The authorization code grant, bound to consents."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    server: LockerAuthorizationServer
    requested_scope: RequestedScope
    authorization_request: AuthorizationRequest

    @staticmethod
    def validate_authorization_redirect_uri(
        request: OAuth2Request, client: RequesterClient
    ) -> str:
        """The redirect URI, required and exactly one the requester registered.

        Refused without a redirect: RFC 6749 4.1.2.1 forbids sending the
        browser to a URI that is not known to be the requester's.
        """
        redirect_uri = request.payload.redirect_uri
        if not redirect_uri:
            raise InvalidRequestError(
                "The request names no redirect_uri, so the locker cannot send you "
                "back to the application."
            )
        if not client.check_redirect_uri(redirect_uri):
            raise InvalidRequestError(
                "The request's redirect_uri is not one the application registered, "
                "so the locker will not send you there."
            )
        return str(redirect_uri)

    def validate_requested_scope(self) -> None:
        client: RequesterClient = self.request.client
        self.requested_scope = parse_scope(self.request.payload.scope, client.requester)

    def validate_authorization_request(self) -> str:
        """authlib's checks, then ``state``, the purpose and the terms."""
        redirect_uri = str(super().validate_authorization_request())
        client: RequesterClient = self.request.client
        requested = self.requested_scope
        params = self.request.payload.data
        try:
            state = require_state(params)
            terms = parse_terms(
                params, client.requester, longest=self.server.longest_consent
            )
        except OAuth2Error as error:
            error.redirect_uri = redirect_uri
            raise

        self.authorization_request = AuthorizationRequest(
            requester=client.requester,
            redirect_uri=redirect_uri,
            state=state,
            code_challenge=params["code_challenge"],
            purpose_code=terms.purpose_code,
            purpose_text=terms.purpose_text,
            uris=requested.uris,
            doc_types=requested.doc_types,
            forms=terms.forms,
            valid_for=terms.valid_for,
            max_reads=terms.max_reads,
            scope=requested.scope,
        )
        return redirect_uri

    def generate_authorization_code(self) -> str:
        return new_token()

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        approval: Approval = request.user
        client: RequesterClient = request.client
        in_loop(
            lambda: self.server.codes.store(
                code,
                requester=client.requester,
                account=approval.account,
                consent=approval.consent,
                redirect_uri=request.payload.redirect_uri,
                scope=granted_scope(approval.consent),
                code_challenge=request.payload.data["code_challenge"],
            )
        )

    def query_authorization_code(
        self, code: str, client: RequesterClient
    ) -> IssuedCode | None:
        return in_loop(self.server.codes.find, code, client.requester)

    def create_token_response(self) -> tuple[int, dict[str, Any], list[Any]]:
        """Redeem the checked code (once) for a token pair under its consent."""
        code: IssuedCode = self.request.authorization_code
        client: RequesterClient = self.request.client
        exchange = in_loop(self.server.codes.redeem, code, client.requester)

        return 200, token_body(exchange), self.TOKEN_RESPONSE_HEADER


@dataclass(frozen=True)
class HeldRefreshToken:
    """A refresh token the requester presented, with its row."""

    value: str
    row: OAuthToken

    def check_client(self, client: RequesterClient) -> bool:
        return self.row.requester_id == client.requester.id

    def get_scope(self) -> str:
        return self.row.scope


class LockerRefreshGrant(RefreshTokenGrant):
    """Refreshing rotates the pair; a rotated token used again ends its family."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True
    server: LockerAuthorizationServer

    def authenticate_refresh_token(self, refresh_token: str) -> HeldRefreshToken | None:
        client: RequesterClient = self.request.client
        row = in_loop(
            self.server.tokens.refresh_token_row, refresh_token, client.requester
        )
        return None if row is None else HeldRefreshToken(refresh_token, row)

    def create_token_response(self) -> tuple[int, dict[str, Any], list[Any]]:
        """Rotate the presented token into a new pair of the same family."""
        held: HeldRefreshToken = self.request.refresh_token
        client: RequesterClient = self.request.client
        exchange = in_loop(self._rotate, held, client.requester)

        return 200, token_body(exchange), self.TOKEN_RESPONSE_HEADER

    async def _rotate(self, held: HeldRefreshToken, requester: Requester) -> Exchange:
        consent = held.row.consent
        if consent.status != ConsentStatus.ACTIVE.value:
            raise InvalidGrantError(
                "The resident's consent behind this token has ended; ask again."
            )
        try:
            issued = await self.server.tokens.rotate(held.value, requester)
        except NotAuthenticated:
            raise InvalidGrantError(
                "This refresh token is not valid: unknown, already used, expired "
                "or revoked."
            ) from None

        return Exchange(tokens=issued, consent=consent)


def token_body(exchange: Exchange) -> dict[str, Any]:
    """The token response: RFC 6749 5.1, and the consent it stands for."""
    issued, consent = exchange.tokens, exchange.consent
    return {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "refresh_token": issued.refresh_token,
        "scope": issued.scope,
        "consent_id": str(consent.id),
        "consent_valid_till": consent.valid_until.isoformat(),
    }
