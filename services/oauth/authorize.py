"""The authorization endpoint's contract between the consent page and the server.

The consent page (``web/consent_page.py``) owns HTML, sign-in and CSRF; the
authorization server (``services/oauth/server.py``) owns OAuth: it validates
an authorization request, and after the resident decided, makes the redirect
back to the requester. This module holds what both speak.

An authorization request carries, besides OAuth's own parameters
(``response_type=code``, ``client_id``, ``redirect_uri``, ``state``,
``code_challenge``, ``code_challenge_method=S256``, ``scope``):

- ``scope``: space-separated ``issued/<URI>`` (a document the requester knows
  of) and ``doctype/<DocType>`` (any document of that type the resident holds);
- ``purpose``: one of the purpose codes the requester declared (required);
- ``forms``: space-separated subset of ``metadata xml pdf`` (default: all);
- ``valid_for_days``: how long the consent is asked for (default 30, at most
  ``LOCKER_CONSENT_MAX_DAYS``);
- ``max_reads``: how many reads are asked for (default: no limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from models import Requester

ISSUED_SCOPE_PREFIX = "issued/"
DOCTYPE_SCOPE_PREFIX = "doctype/"
DEFAULT_VALID_FOR = timedelta(days=30)


@dataclass(frozen=True)
class AuthorizationRequest:
    """A valid authorization request, as the consent page shows it."""

    requester: Requester
    redirect_uri: str
    state: str
    code_challenge: str
    purpose_code: str
    purpose_text: str
    uris: tuple[str, ...]
    """Specific documents asked for (``issued/<URI>`` scopes)."""
    doc_types: tuple[str, ...]
    """Doc types asked for (``doctype/<DocType>`` scopes)."""
    forms: tuple[str, ...]
    valid_for: timedelta
    max_reads: int | None
    scope: str
    """The scope as asked, normalised."""


class AuthorizationPageError(Exception):
    """A request that cannot be sent back: unknown client or redirect URI.

    RFC 6749 4.1.2.1: the page shows ``message`` and never redirects.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthorizationRedirectError(Exception):
    """A request refused with a redirect to the client carrying the error.

    ``location`` is the client's redirect URI with ``error``,
    ``error_description``, ``state`` (when given) and ``iss``.
    """

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location
