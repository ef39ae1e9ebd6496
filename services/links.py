"""Short-lived signed links to a document's PDF, bound to the document and viewer.

A link is a JWT (HS256, joserfc) carrying the URI, the viewer's id and an expiry;
the route that streams the PDF accepts it without a session, since browsers follow
links without an Authorization header, but only for that URI and only until it
expires.
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


@dataclass(frozen=True)
class DownloadLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkGrant:
    """What a valid link allows: this viewer may download this URI's PDF."""

    uri: str
    viewer_id: str


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
        expires_at = self._clock.now() + self._lifetime
        claims = {
            "aud": _AUDIENCE,
            "sub": viewer_id,
            "uri": uri,
            "exp": int(expires_at.timestamp()),
        }
        token = jwt.encode({"alg": "HS256"}, claims, self._key)
        query = urlencode({"token": token})

        return DownloadLink(
            url=f"{self._public_url}/documents/pdf?{query}", expires_at=expires_at
        )

    def check(self, token: str) -> LinkGrant:
        """The grant a link carries; ``LinkExpired`` when invalid or expired."""
        try:
            decoded = jwt.decode(token, self._key, algorithms=["HS256"])
            registry = jwt.JWTClaimsRegistry(
                now=lambda: int(self._clock.now().timestamp()),
                aud={"essential": True, "value": _AUDIENCE},
                exp={"essential": True},
                sub={"essential": True},
                uri={"essential": True},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as error:
            raise LinkExpired(
                "This download link has expired or is not valid; ask for the "
                "document again to get a new link."
            ) from error
        claims: dict[str, Any] = decoded.claims

        return LinkGrant(uri=str(claims["uri"]), viewer_id=str(claims["sub"]))
