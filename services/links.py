"""Short-lived signed links to a document's content, bound to it and the viewer.

A link is a JWT (HS256, joserfc) carrying what it opens (an issued document's
URI, or an uploaded file's id), the viewer's id and an expiry; the routes that
stream content accept it without a session, since browsers follow links
without an Authorization header, but only for that document and only until it
expires. The kinds have different audiences, so none passes for another.

A requester's link to a shared PDF also names the consent it was made under;
it lets nothing be read by itself: the route asks the consent again, and
counts the read, when the link is followed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from services.clock import Clock
from services.errors import LinkExpired

_AUDIENCE = "openlocker:document-pdf"
_UPLOAD_AUDIENCE = "openlocker:upload"
_SHARED_AUDIENCE = "openlocker:shared-pdf"
SHARED_PDF_PATH = "/shared/documents/pdf"


@dataclass(frozen=True)
class DownloadLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkGrant:
    """What a valid link allows: this viewer may download this URI's PDF."""

    uri: str
    viewer_id: str


@dataclass(frozen=True)
class SharedLinkGrant:
    """What a requester's link names: this requester, this consent, this URI."""

    uri: str
    requester_id: str
    consent_id: str


class DownloadLinks:
    """Issues and checks signed download links."""

    def __init__(
        self, secret_key: str, *, public_url: str, lifetime_seconds: int, clock: Clock
    ) -> None:
        derived = hmac.new(
            secret_key.encode(), b"openlocker download links", hashlib.sha256
        ).digest()
        self._key = OctKey.import_key(derived)
        self._public_url = public_url.rstrip("/")
        self._lifetime = timedelta(seconds=lifetime_seconds)
        self._clock = clock

    def create(self, uri: str, viewer_id: str) -> DownloadLink:
        """A link to ``uri``'s PDF for ``viewer_id``."""
        return self._create(_AUDIENCE, uri, viewer_id, "/documents/pdf")

    def check(self, token: str) -> LinkGrant:
        """The grant a link carries; ``LinkExpired`` when invalid or expired."""
        return self._check(_AUDIENCE, token)

    def create_for_upload(self, document_id: str, viewer_id: str) -> DownloadLink:
        """A link to an uploaded file's content for ``viewer_id``."""
        return self._create(
            _UPLOAD_AUDIENCE, document_id, viewer_id, f"/uploads/{document_id}"
        )

    def check_upload(self, token: str, document_id: str) -> LinkGrant:
        """The grant a link to ``document_id`` carries; ``LinkExpired`` otherwise."""
        grant = self._check(_UPLOAD_AUDIENCE, token)
        if grant.uri != document_id:
            raise _expired()
        return grant

    def create_for_requester(
        self, uri: str, *, requester_id: str, consent_id: str
    ) -> DownloadLink:
        """A link to ``uri``'s PDF for a requester reading under ``consent_id``."""
        return self._create(
            _SHARED_AUDIENCE,
            uri,
            requester_id,
            SHARED_PDF_PATH,
            extra={"consent": consent_id},
        )

    def check_shared(self, token: str) -> SharedLinkGrant:
        """The grant a requester's link carries; ``LinkExpired`` otherwise."""
        claims = self._claims(_SHARED_AUDIENCE, token, "consent")
        return SharedLinkGrant(
            uri=str(claims["uri"]),
            requester_id=str(claims["sub"]),
            consent_id=str(claims["consent"]),
        )

    def _create(
        self,
        audience: str,
        target: str,
        viewer_id: str,
        path: str,
        *,
        extra: dict[str, str] | None = None,
    ) -> DownloadLink:
        expires_at = self._clock.now() + self._lifetime
        claims = {
            "aud": audience,
            "sub": viewer_id,
            "uri": target,
            "exp": int(expires_at.timestamp()),
            **(extra or {}),
        }
        token = jwt.encode({"alg": "HS256"}, claims, self._key)
        query = urlencode({"token": token})

        return DownloadLink(
            url=f"{self._public_url}{path}?{query}", expires_at=expires_at
        )

    def _check(self, audience: str, token: str) -> LinkGrant:
        claims = self._claims(audience, token)
        return LinkGrant(uri=str(claims["uri"]), viewer_id=str(claims["sub"]))

    def _claims(self, audience: str, token: str, *also: str) -> dict[str, Any]:
        """A valid link's claims; ``also`` names claims it must carry too."""
        essential: dict[str, jwt.ClaimsOption] = {
            name: {"essential": True} for name in ("exp", "sub", "uri", *also)
        }
        try:
            decoded = jwt.decode(token, self._key, algorithms=["HS256"])
            registry = jwt.JWTClaimsRegistry(
                now=lambda: int(self._clock.now().timestamp()),
                leeway=0,
                aud={"essential": True, "value": audience},
                **essential,
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as error:
            raise _expired() from error
        claims: dict[str, Any] = decoded.claims

        return claims


def _expired() -> LinkExpired:
    return LinkExpired(
        "This download link has expired or is not valid; ask for the "
        "document again to get a new link."
    )
