"""What keeps the consent page's forms the resident's own: CSRF and headers.

**Form tokens.** Each form carries ``<issued>.<hmac>``: an HMAC, keyed with
``LOCKER_SECRET_KEY``, of the browser's ``consent_browser`` cookie (random,
HttpOnly, SameSite=Strict), the time the form was made and the authorization
request's exact query string, which the form carries in a hidden field. A form
is accepted only from the browser it was made for, within ``FORM_SECONDS``,
and with that query string unchanged: a forged form and an edited parameter
are refused alike.

**Origin.** A form post whose ``Origin`` is not the locker's public origin
(``LOCKER_PUBLIC_URL``), or whose ``Sec-Fetch-Site`` (set by the browser, never
by a page) says another site, is refused before its token is looked at.

**Headers.** ``page_headers`` gives every answer: no framing, no caching, no
sniffing, no referrer beyond the locker, and a Content-Security-Policy that
allows nothing but the page's stylesheet and forms posting to the locker and
to the requester's redirect origin (Chromium applies ``form-action`` to the
303 that follows a form).
"""

from __future__ import annotations

import hmac
import re
from urllib.parse import urlsplit

from starlette.requests import Request

from services.clock import Clock
from services.crypto import keyed_hash, new_token

FORM_SECONDS = 30 * 60
"""How long a form shown by the page may be sent back."""
FORM_TOKEN_PURPOSE = "consent-page-form"  # noqa: S105 - a hash domain

_BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{43}")
_HOST = re.compile(r"[A-Za-z0-9.-]+")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_FIXED_HEADERS = {
    "X-Frame-Options": "DENY",
    # Not no-referrer: under it Chromium sends "Origin: null" with the page's own
    # form posts, which the origin check must then refuse. same-origin sends no
    # Referer anywhere else either, the 303 to the requester included.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
_NOT_ACCEPTED = "This form cannot be accepted"
_FORGED = (
    "This form could not be checked: it was not sent from this page as it was "
    "shown, it was open too long, or your browser did not keep this site's "
    "cookie."
)


class Refused(Exception):
    """A step that gets an error page instead: its status, title and sentence."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


class FormSeal:
    """Makes and checks the token that binds a form to a browser and a request."""

    def __init__(self, secret_key: str, clock: Clock) -> None:
        self._key = secret_key.encode()
        self._clock = clock

    def token(self, browser: str, query: str) -> str:
        """A token for a form shown now to ``browser`` for the request ``query``."""
        return self._token(browser, query, int(self._clock.now().timestamp()))

    def check(self, browser: str, query: str, token: str) -> None:
        """Refuse (403) a token not made here for ``browser`` and ``query``, or
        made over ``FORM_SECONDS`` ago."""
        issued, _, _ = token.partition(".")
        if not is_browser_id(browser) or not issued.isdigit():
            raise Refused(403, _NOT_ACCEPTED, _FORGED)
        if not hmac.compare_digest(self._token(browser, query, int(issued)), token):
            raise Refused(403, _NOT_ACCEPTED, _FORGED)
        age = int(self._clock.now().timestamp()) - int(issued)
        if not 0 <= age <= FORM_SECONDS:
            raise Refused(403, _NOT_ACCEPTED, _FORGED)

    def _token(self, browser: str, query: str, issued: int) -> str:
        message = f"{browser}\n{issued}\n{query}"
        return f"{issued}.{keyed_hash(self._key, message, purpose=FORM_TOKEN_PURPOSE)}"


def new_browser_id() -> str:
    """A fresh value for the browser cookie."""
    return new_token()


def is_browser_id(value: str) -> bool:
    return _BROWSER_ID.fullmatch(value) is not None


def check_origin(request: Request, public_url: str) -> None:
    """Refuse (403) a form post that a browser says came from another site."""
    origin = request.headers.get("origin")
    fetched_from = request.headers.get("sec-fetch-site", "same-origin")
    foreign = origin is not None and origin.lower() != origin_of(public_url)
    if foreign or fetched_from in {"cross-site", "same-site"}:
        raise Refused(
            403,
            _NOT_ACCEPTED,
            "This form was sent from another site. Use the locker's own page.",
        )


def page_headers(*, style_source: str, form_target: str | None) -> dict[str, str]:
    """Every answer's headers; forms may post here and to ``form_target``'s origin.

    ``style_source`` is the CSP source of the page's stylesheet (its hash).
    """
    form_action = "'none'"
    if form_target is not None:
        form_action = " ".join(filter(None, ["'self'", _csp_origin(form_target)]))
    policy = (
        f"default-src 'none'; style-src {style_source}; "
        f"form-action {form_action}; frame-ancestors 'none'; base-uri 'none'"
    )

    return {**_FIXED_HEADERS, "Content-Security-Policy": policy}


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, as a browser's ``Origin`` says it."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.hostname or ''}"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        origin += f":{parts.port}"

    return origin.lower()


def _csp_origin(url: str) -> str | None:
    """The origin of ``url`` as a CSP source, or None if it cannot be one."""
    host = urlsplit(url).hostname or ""
    if not _HOST.fullmatch(host):
        return None
    return origin_of(url)
