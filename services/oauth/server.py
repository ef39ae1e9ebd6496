"""The locker's OAuth 2.0 authorization server for requesters, on authlib.

authlib has server integrations for Flask and Django only, so this module is
the integration: ``LockerAuthorizationServer`` subclasses authlib's
framework-independent ``AuthorizationServer``, reads requests as plain
``OAuthHttpRequest`` values (``web/oauth.py`` reads the Starlette request, form
included, before handing it over) and answers ``OAuthAnswer`` values that the
web layer turns back into responses. It registers:

- the authorization code grant with PKCE, S256 only (``grants``), and the
  refresh token grant with rotation; nothing else, so implicit, password and
  client-credentials requests are refused as unsupported;
- client authentication by ``client_secret_basic`` or ``private_key_jwt``,
  each requester only by the method it registered (``clients``);
- revocation (RFC 7009) and introspection (RFC 7662) (``endpoints``);
- the ``iss`` authorization response parameter (RFC 9207).

**Sync core, async database.** authlib's server core is synchronous and calls
its hooks as plain functions, while Tortoise is asynchronous. Every public
method here is a coroutine that runs the authlib call in a worker thread
(``anyio.to_thread``); hooks that need the database hand a coroutine back to
the event loop and wait for it (``anyio.from_thread``). See
``services.oauth.bridge`` for why, rather than prefetching.

**Transport.** authlib refuses any request whose URL is not https (loopback
http aside). The URL it checks is the locker's public one
(``LOCKER_PUBLIC_URL``), not the hop from a proxy, so OAuth works only when
requesters reach the locker over TLS, or on 127.0.0.1 in development.
authlib's own switch, the environment variable ``AUTHLIB_INSECURE_TRANSPORT``,
lifts that for a development server on another address (the test suite sets
it).

The consent page (``web/consent_page.py``) drives the authorization endpoint
through ``validate_authorization_request``, ``approve`` and ``deny``; the
contract is in ``services.oauth.authorize``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

from authlib.oauth2.rfc6749 import (
    AccessDeniedError,
    AuthorizationServer,
    InvalidClientError,
    InvalidRequestError,
    OAuth2Error,
    OAuth2Request,
    UnsupportedResponseTypeError,
)
from authlib.oauth2.rfc9207 import IssuerParameter

from adapters.sdk import DocumentUri
from config.settings import Settings
from models import Account, Consent, OAuthToken, Requester
from services.clock import Clock
from services.consents import ConsentStatus
from services.crypto import keyed_hash
from services.oauth.authorize import (
    AuthorizationPageError,
    AuthorizationRedirectError,
    AuthorizationRequest,
)
from services.oauth.bridge import in_loop, in_worker
from services.oauth.clients import RequesterAssertion, RequesterClient
from services.oauth.codes import AuthorizationCodes
from services.oauth.endpoints import (
    LockerIntrospectionEndpoint,
    LockerRevocationEndpoint,
)
from services.oauth.grants import (
    Approval,
    LockerCodeGrant,
    LockerRefreshGrant,
    S256CodeChallenge,
)
from services.oauth.messages import LockerOAuth2Request, OAuthAnswer, OAuthHttpRequest
from services.oauth.metadata import AUTHORIZE_PATH, TOKEN_PATH, server_metadata
from services.oauth.tokens import TokenService
from services.ratelimit import RateLimiter
from services.requesters import PRIVATE_KEY_JWT, RequesterRegistry

SUBJECT_PURPOSE = "oauth-subject"
MOST_CLIENT_ID_CHARACTERS = 64
"""The longest client id the ``requester`` table holds."""

_UNKNOWN_CLIENT = (
    "This request comes from an application the locker does not know: its "
    "client_id is missing, not registered, or no longer active."
)


class _LockerIssuer(IssuerParameter):
    """RFC 9207: every authorization response names the locker as ``iss``."""

    def __init__(self, issuer: str) -> None:
        self._issuer = issuer

    def get_issuer(self) -> str:
        return self._issuer


class LockerAuthorizationServer(AuthorizationServer):
    """authlib's authorization server, answering for the locker's requesters."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        tokens: TokenService,
        requesters: RequesterRegistry,
        limiter: RateLimiter,
        doc_types: Iterable[str],
    ) -> None:
        super().__init__()
        self.issuer = settings.base_url
        self.clock = clock
        self.tokens = tokens
        self.requesters = requesters
        self.codes = AuthorizationCodes(clock, tokens)
        self.longest_consent = timedelta(days=settings.consent_max_days)
        self._subject_key = settings.secret_key.get_secret_value().encode()
        self._doc_types = list(doc_types)
        self._issuer_parameter = _LockerIssuer(self.issuer)

        self.register_grant(LockerCodeGrant, [S256CodeChallenge(required=True)])
        self.register_grant(LockerRefreshGrant)
        self.register_client_auth_method(
            PRIVATE_KEY_JWT,
            RequesterAssertion(
                audiences=[self.issuer + TOKEN_PATH, self.issuer],
                limiter=limiter,
                clock=clock,
            ),
        )
        self.register_endpoint(LockerRevocationEndpoint)
        self.register_endpoint(LockerIntrospectionEndpoint)

    # -- the authorization endpoint, for the consent page ---------------------

    async def validate_authorization_request(
        self, params: Mapping[str, str]
    ) -> AuthorizationRequest:
        """Check an authorization request before the consent page shows it.

        Raises ``AuthorizationPageError`` when the request cannot be sent back
        (unknown or inactive client, missing or unregistered redirect URI, and
        plain http), ``AuthorizationRedirectError`` for anything else: its
        location carries ``error``, ``state`` when given, and ``iss``.
        """
        return await in_worker(self._validate, dict(params))

    async def approve(
        self, request: AuthorizationRequest, *, account: Account, consent: Consent
    ) -> str:
        """Make a code for the consent the resident just granted; answer the
        redirect location with ``code``, ``state`` and ``iss``.

        The request is validated again (the requester may have been
        deactivated since the page was shown): the errors are those of
        ``validate_authorization_request``. ``ValueError`` if ``consent`` is
        not the resident's active consent to this requester, or grants more
        than was asked.
        """
        _check_approval(request, account, consent)

        return await in_worker(
            self._approve, _params_of(request), Approval(account, consent)
        )

    def deny(self, request: AuthorizationRequest) -> str:
        """The redirect location telling the requester the resident declined:
        ``error=access_denied``, ``state`` and ``iss``."""
        error = AccessDeniedError(
            description="The resident declined to share documents.",
            redirect_uri=request.redirect_uri,
            state=request.state,
        )
        return self._error_location(error)

    # -- the token, revocation and introspection endpoints -------------------

    async def token_response(self, request: OAuthHttpRequest) -> OAuthAnswer:
        """``POST /oauth/token``: exchange a code or refresh token."""
        return await self._respond(self.create_token_response, request)

    async def revocation_response(self, request: OAuthHttpRequest) -> OAuthAnswer:
        """``POST /oauth/revoke`` (RFC 7009)."""
        return await self._endpoint_response(LockerRevocationEndpoint, request)

    async def introspection_response(self, request: OAuthHttpRequest) -> OAuthAnswer:
        """``POST /oauth/introspect`` (RFC 7662)."""
        return await self._endpoint_response(LockerIntrospectionEndpoint, request)

    def refuse(self, description: str) -> OAuthAnswer:
        """An ``invalid_request`` answer, for a body the web layer cannot read."""
        return self.handle_response(*InvalidRequestError(description)())

    def metadata(self) -> dict[str, Any]:
        """The authorization server metadata document (RFC 8414)."""
        return server_metadata(self.issuer, self._doc_types)

    # -- what grants and endpoints ask of the server --------------------------

    def subject_for(self, token: OAuthToken) -> str:
        """The resident's opaque id for this requester (a keyed hash of both ids)."""
        return keyed_hash(
            self._subject_key,
            f"{token.requester_id}:{token.account_id}",
            purpose=SUBJECT_PURPOSE,
        )

    # -- authlib's framework hooks --------------------------------------------

    def query_client(self, client_id: str) -> RequesterClient | None:
        return in_loop(self._find_client, client_id)

    def create_oauth2_request(
        self, request: OAuthHttpRequest | OAuth2Request
    ) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        return LockerOAuth2Request(request, self.issuer)

    def handle_response(
        self, status: int, body: dict[str, Any] | str, headers: list[tuple[str, str]]
    ) -> OAuthAnswer:
        return OAuthAnswer(status=status, body=body, headers=list(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """authlib's notifications (client authenticated, token revoked): unused."""

    def get_authorization_grant(self, request: OAuth2Request) -> LockerCodeGrant:
        """The code grant, for ``response_type=code`` only.

        authlib's own refusal repeats the response type in its description,
        which must be plain ASCII; this one never does. It redirects only to a
        redirect URI the client registered.
        """
        if request.payload.response_type == "code":
            grant: LockerCodeGrant = super().get_authorization_grant(request)
            return grant
        client = self.query_client(request.payload.client_id or "")
        redirect_uri = request.payload.redirect_uri
        known = (
            client is not None
            and redirect_uri
            and client.check_redirect_uri(redirect_uri)
        )
        raise UnsupportedResponseTypeError(
            "unsupported",
            description="Only response_type=code is supported.",
            redirect_uri=redirect_uri if known else None,
        )

    # -- helpers --------------------------------------------------------------

    async def _find_client(self, client_id: str) -> RequesterClient | None:
        if not 0 < len(client_id) <= MOST_CLIENT_ID_CHARACTERS:
            # No requester has it, and the database would refuse to compare.
            return None
        requester = await Requester.get_or_none(client_id=client_id, active=True)
        return (
            None if requester is None else RequesterClient(requester, self.requesters)
        )

    def _validate(self, params: dict[str, str]) -> AuthorizationRequest:
        return self._grant(params).authorization_request

    def _approve(self, params: dict[str, str], approval: Approval) -> str:
        grant = self._grant(params)
        answer = self.handle_response(
            *grant.create_authorization_response(grant.redirect_uri, approval)
        )
        self._issuer_parameter.add_issuer_parameter(self, answer)
        assert answer.location is not None  # authlib's code response is a redirect
        return answer.location

    def _grant(self, params: dict[str, str]) -> LockerCodeGrant:
        """The code grant for a valid authorization request; raises what
        ``validate_authorization_request`` documents."""
        try:
            grant: LockerCodeGrant = self.get_consent_grant(_authorize_request(params))
        except OAuth2Error as error:
            raise self._refusal(error) from None
        return grant

    def _refusal(self, error: OAuth2Error) -> Exception:
        if error.redirect_uri:
            return AuthorizationRedirectError(self._error_location(error))
        if error.error == "invalid_client":
            return AuthorizationPageError(_UNKNOWN_CLIENT)
        return AuthorizationPageError(
            error.description or "This authorization request cannot be used."
        )

    def _error_location(self, error: OAuth2Error) -> str:
        answer = self.handle_response(*error())
        self._issuer_parameter.add_issuer_parameter(self, answer)
        assert answer.location is not None  # an error with a redirect URI redirects
        return answer.location

    def _refuse_repeats(self, request: OAuthHttpRequest) -> OAuthAnswer | None:
        repeated = request.repeated()
        if not repeated:
            return None
        return self.refuse(
            f"Give each parameter once; repeated: {', '.join(repeated)}."
            if all(name.isidentifier() and name.isascii() for name in repeated)
            else "Give each parameter once."
        )

    async def _endpoint_response(
        self,
        endpoint: type[LockerRevocationEndpoint | LockerIntrospectionEndpoint],
        request: OAuthHttpRequest,
    ) -> OAuthAnswer:
        return await self._respond(
            lambda oauth_request: self.create_endpoint_response(
                endpoint.ENDPOINT_NAME, oauth_request
            ),
            request,
        )

    async def _respond(
        self,
        respond: Callable[[OAuth2Request], OAuthAnswer],
        request: OAuthHttpRequest,
    ) -> OAuthAnswer:
        """Run one of authlib's endpoints on ``request`` in a worker thread.

        The request is converted first: authlib would let a refusal raised
        while converting (plain http) escape as a crash rather than answer it.
        """
        if refused := self._refuse_repeats(request):
            return refused
        if not _readable_basic_credentials(request.headers):
            # authlib would crash decoding them; RFC 6749 5.2 says 401.
            error = InvalidClientError(
                description="The Basic credentials are not base64 of UTF-8 text.",
                status_code=401,
            )
            return self.handle_response(*error())
        try:
            oauth_request = self.create_oauth2_request(request)
        except OAuth2Error as error:
            return self.handle_response(*error())

        return await in_worker(respond, oauth_request)


def _readable_basic_credentials(headers: Mapping[str, str]) -> bool:
    """False for HTTP Basic credentials that are not base64 of UTF-8 text."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return True
    try:
        base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return True


def _authorize_request(params: Mapping[str, str]) -> OAuthHttpRequest:
    return OAuthHttpRequest(
        method="GET",
        path=AUTHORIZE_PATH,
        headers={},
        params={name: [value] for name, value in params.items()},
    )


def _params_of(request: AuthorizationRequest) -> dict[str, str]:
    """The authorization request's parameters, as the page received them."""
    params = {
        "response_type": "code",
        "client_id": request.requester.client_id or "",
        "redirect_uri": request.redirect_uri,
        "state": request.state,
        "code_challenge": request.code_challenge,
        "code_challenge_method": "S256",
        "scope": request.scope,
        "purpose": request.purpose_code,
        "forms": " ".join(request.forms),
        "valid_for_days": str(request.valid_for.days),
    }
    if request.max_reads is not None:
        params["max_reads"] = str(request.max_reads)

    return params


def _check_approval(
    request: AuthorizationRequest, account: Account, consent: Consent
) -> None:
    """Refuse a consent that is not what this request let the resident grant."""
    if consent.account_id != account.id or consent.requester_id != request.requester.id:
        raise ValueError(
            "approve() takes the consent this resident just granted to this requester"
        )
    if consent.status != ConsentStatus.ACTIVE.value:
        raise ValueError("approve() takes an active consent")
    for document in consent.documents:
        asked = document["uri"] in request.uris or (
            DocumentUri.parse(document["uri"]).doc_type in request.doc_types
        )
        if not asked or not set(document["forms"]) <= set(request.forms):
            raise ValueError(
                "the consent grants a document or form the request did not ask for"
            )
