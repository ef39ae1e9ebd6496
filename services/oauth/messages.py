"""What the authorization server reads and answers, free of any web framework.

authlib's server core asks its framework integration for two things: a request
object (``OAuth2Request``) and a way to turn ``(status, body, headers)`` into a
response. Here both are plain values: ``web/oauth.py`` reads the Starlette
request, form included, into an ``OAuthHttpRequest`` before the server sees it,
and sends the ``OAuthAnswer`` back; ``web/consent_page.py`` hands over the
authorization request's parameters and gets redirect locations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request


@dataclass(frozen=True)
class OAuthHttpRequest:
    """One request to an OAuth endpoint, its body already read and parsed.

    ``path`` is the endpoint's path (``/oauth/token``); the server puts it
    under the locker's public URL. ``params`` holds every value of every
    parameter, from the form body (or, for the authorization endpoint, the
    query), so that a repeated parameter can be refused.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    params: Mapping[str, Sequence[str]]

    def repeated(self) -> list[str]:
        """The parameters given more than once; RFC 6749 3.1 and 3.2 forbid it."""
        return sorted(name for name, values in self.params.items() if len(values) > 1)


@dataclass
class OAuthAnswer:
    """A response as authlib makes it: status, a JSON object or text, headers."""

    status: int
    body: dict[str, Any] | str
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def location(self) -> str | None:
        """Where a redirect leads; authlib's RFC 9207 extension rewrites it."""
        for name, value in self.headers:
            if name.lower() == "location":
                return value
        return None

    @location.setter
    def location(self, value: str) -> None:
        others = [(name, v) for name, v in self.headers if name.lower() != "location"]
        self.headers = [*others, ("Location", value)]


class _Payload(OAuth2Payload):
    """The request's parameters, as authlib's grants read them."""

    def __init__(self, params: Mapping[str, Sequence[str]]) -> None:
        self._data = {name: values[0] for name, values in params.items() if values}
        self._datalist = {name: list(values) for name, values in params.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return self._datalist


class LockerOAuth2Request(OAuth2Request):
    """An ``OAuthHttpRequest`` in the form authlib's server core reads.

    ``uri`` is the public URL of the endpoint: authlib refuses it unless it is
    https (or loopback), which is how the locker makes sure no OAuth exchange
    is configured over plain http.
    """

    def __init__(self, request: OAuthHttpRequest, public_url: str) -> None:
        super().__init__(
            method=request.method,
            uri=public_url + request.path,
            headers=request.headers,
        )
        self.payload = _Payload(request.params)

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data

    @property
    def args(self) -> dict[str, str]:
        return self.payload.data
