"""An example requester: reads the documents a resident chose to share with it.

This is the program a university's admissions office (or an employer, or a
passport office) would run against an openlocker server. It uses only the
locker's public interface, OAuth 2.0 and GraphQL over HTTP, through a real
OAuth client library (Authlib's httpx client), and nothing of the locker's own
code:

0. read where the locker's endpoints are from its metadata
   (``/.well-known/oauth-authorization-server``, RFC 8414);
1. build the authorization URL, with PKCE (S256) and a fresh ``state``, asking
   for documents (``issued/<URI>`` or ``doctype/<DocType>`` scopes), a purpose
   it was registered with, the forms it wants, for how long and how many reads;
2. hand that URL to a browser step: a person opens it, signs in to the locker,
   ticks the documents to share and presses Allow (or Deny);
3. catch the redirect back on its own loopback redirect URI, with a small HTTP
   listener (``redirect.py``), and check ``state`` and ``iss`` (RFC 9207);
4. exchange the code for tokens at the token endpoint (client_secret_basic);
5. read the shared documents from ``/graphql`` with the access token, and
   check each XML's signature against its issuer's certificate (signxml);
6. refresh the token pair and read again;
7. revoke the refresh token (RFC 7009) and see the access stop.

Run it (the operator registered it first with ``python -m cli
register-requester``, redirect URI ``http://127.0.0.1:8765/callback``)::

    OPENLOCKER_CLIENT_SECRET=… python -m examples.requester.requester \\
        --locker http://127.0.0.1:8000 --client-id rq_… \\
        --scope doctype/HSCER --purpose ADMISSION --forms metadata xml

It prints the URL to open, opens it in the default browser, and prints what it
read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import warnings
import webbrowser
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

from authlib.deprecate import AuthlibDeprecationWarning
from signxml.exceptions import SignXMLException
from signxml.verifier import XMLVerifier

with warnings.catch_warnings():
    # Authlib 1.9 prefers httpx2, the fork that succeeds httpx, and warns when
    # it runs on httpx; this program works on either.
    warnings.filterwarnings(
        "ignore", "The httpx module is deprecated", AuthlibDeprecationWarning
    )
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

from examples.requester.redirect import catching_redirect

METADATA_PATH = "/.well-known/oauth-authorization-server"
GRAPHQL_PATH = "/graphql"
ALL_FORMS = ("metadata", "xml", "pdf")
WAIT_FOR_RESIDENT_SECONDS = 600

# What the consent shares (reading it counts nothing), then each document in
# the forms granted (each of metadata and xml counts one read).
SHARED_CONSENT = """
query SharedConsent {
  sharedConsent {
    ... on SharedConsent {
      purpose { code text }
      validUntil
      maxReads
      documents { uri docType forms }
    }
    ... on Problem { code message }
  }
}
"""
SHARED_DOCUMENT = """
query SharedDocument($uri: String!, $withMetadata: Boolean!, $withXml: Boolean!) {
  sharedDocument(uri: $uri) {
    ... on SharedDocument {
      metadata @include(if: $withMetadata) {
        ... on SharedMetadata { name issuerName status }
        ... on Problem { code message }
      }
      xml @include(if: $withXml) {
        ... on SharedXml { xml }
        ... on Problem { code message }
      }
    }
    ... on Problem { code message }
  }
}
"""
ISSUER_CERTIFICATES = "query IssuerCertificates { issuers { id certificate } }"

Out = Callable[[str], object]
OpenInBrowser = Callable[[str], Awaitable[None]]


class RequesterError(Exception):
    """A step of the flow did not go as OAuth or the locker's API promise."""


class ConsentRefused(RequesterError):
    """The locker sent the resident back with an error: ``access_denied`` when
    they pressed Deny."""

    def __init__(self, error: str, description: str | None) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description


class LockerRefused(RequesterError):
    """The locker answered a GraphQL ``Problem``: ``NOT_GRANTED`` for a document
    the consent does not share, ``NOT_AUTHENTICATED`` for a revoked token, …"""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True)
class Registration:
    """What the operator gave this requester when registering it."""

    locker_url: str
    client_id: str
    client_secret: str
    redirect_uri: str

    def endpoint(self, path: str) -> str:
        return self.locker_url.rstrip("/") + path


@dataclass(frozen=True)
class LockerEndpoints:
    """Where the locker's OAuth endpoints are, from its metadata (RFC 8414)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    revocation_endpoint: str
    sends_iss: bool
    """Whether its redirects carry ``iss`` (RFC 9207), which then must match."""

    @classmethod
    def from_metadata(
        cls, metadata: dict[str, Any], locker_url: str
    ) -> LockerEndpoints:
        """The endpoints of ``metadata``, fetched from ``locker_url``.

        RFC 8414, 3.3: the issuer it names must be the URL it was fetched
        from, or another server is speaking for the locker.
        """
        issuer = str(metadata.get("issuer", ""))
        if issuer.rstrip("/") != locker_url.rstrip("/"):
            raise RequesterError(
                f"The metadata at {locker_url} names the issuer {issuer!r}."
            )

        return cls(
            issuer=issuer,
            authorization_endpoint=metadata["authorization_endpoint"],
            token_endpoint=metadata["token_endpoint"],
            revocation_endpoint=metadata["revocation_endpoint"],
            sends_iss=bool(
                metadata.get("authorization_response_iss_parameter_supported")
            ),
        )


@dataclass(frozen=True)
class ConsentAsk:
    """What the requester asks the resident for (``services/oauth/authorize.py``
    in the locker documents each parameter)."""

    scopes: Sequence[str]
    purpose: str
    forms: Sequence[str] = ALL_FORMS
    valid_for_days: int = 30
    max_reads: int | None = None

    def parameters(self) -> dict[str, str]:
        """The authorization request's parameters beyond OAuth's own."""
        parameters = {
            "scope": " ".join(self.scopes),
            "purpose": self.purpose,
            "forms": " ".join(self.forms),
            "valid_for_days": str(self.valid_for_days),
        }
        if self.max_reads is not None:
            parameters["max_reads"] = str(self.max_reads)

        return parameters


@dataclass(frozen=True)
class SharedRead:
    """One shared document as read: its details and its verified XML, when
    those forms were granted."""

    uri: str
    forms: tuple[str, ...]
    name: str | None = None
    issuer_name: str | None = None
    xml: str | None = None


class LockerRequester:
    """A requester's OAuth client for one locker, and what it reads with it.

    Use it as ``async with LockerRequester(registration) as requester``; it
    holds one token pair at a time (Authlib's client keeps it).
    """

    def __init__(self, registration: Registration) -> None:
        self.registration = registration
        self.client = AsyncOAuth2Client(
            client_id=registration.client_id,
            client_secret=registration.client_secret,
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106
            redirect_uri=registration.redirect_uri,
            code_challenge_method="S256",
            timeout=60,
        )
        self._certificates: dict[str, str] | None = None
        self._endpoints: LockerEndpoints | None = None

    async def __aenter__(self) -> LockerRequester:
        await self.client.__aenter__()
        return self

    async def endpoints(self) -> LockerEndpoints:
        """The locker's endpoints, read once from its metadata document."""
        if self._endpoints is None:
            response = await self.client.request(
                "GET",
                self.registration.endpoint(METADATA_PATH),
                withhold_token=True,
            )
            if response.status_code != 200:
                raise RequesterError(
                    f"The locker's metadata answered {response.status_code}."
                )
            self._endpoints = LockerEndpoints.from_metadata(
                response.json(), self.registration.locker_url
            )

        return self._endpoints

    async def __aexit__(self, *exc_info: object) -> None:
        await self.client.__aexit__(*exc_info)

    async def authorize(self, ask: ConsentAsk, open_in_browser: OpenInBrowser) -> None:
        """Ask the resident through the browser step, then exchange the code.

        Raises ``ConsentRefused`` when the resident denies (or the locker
        refuses the request), ``RequesterError`` for a redirect not meant for
        this request, Authlib's ``OAuthError`` when the token endpoint refuses.
        """
        endpoints = await self.endpoints()
        code_verifier = secrets.token_urlsafe(48)
        url, state = await self.authorization_url(ask, code_verifier)
        with catching_redirect(self.registration.redirect_uri) as redirect:
            await open_in_browser(url)
            async with asyncio.timeout(WAIT_FOR_RESIDENT_SECONDS):
                callback = await redirect
        check_callback(callback, state, endpoints)

        await self.client.fetch_token(
            endpoints.token_endpoint,
            authorization_response=callback,
            state=state,
            code_verifier=code_verifier,
        )

    async def authorization_url(
        self, ask: ConsentAsk, code_verifier: str
    ) -> tuple[str, str]:
        """The URL to send the resident to, and the fresh ``state`` it carries;
        its PKCE challenge is the S256 hash of ``code_verifier``."""
        endpoints = await self.endpoints()
        url, state = self.client.create_authorization_url(
            endpoints.authorization_endpoint,
            code_verifier=code_verifier,
            **ask.parameters(),
        )

        return str(url), str(state)

    @property
    def token(self) -> dict[str, Any]:
        """The token response now held: ``access_token``, ``refresh_token``,
        ``expires_in``, ``scope``."""
        return dict(self.client.token)

    async def refresh(self) -> None:
        """Swap the token pair for a new one; the old refresh token is spent."""
        endpoints = await self.endpoints()
        await self.client.refresh_token(endpoints.token_endpoint)

    async def revoke(self) -> None:
        """Revoke the refresh token (RFC 7009), which ends the whole grant."""
        endpoints = await self.endpoints()
        response = await self.client.revoke_token(
            endpoints.revocation_endpoint,
            token=self.client.token["refresh_token"],
            token_type_hint="refresh_token",  # noqa: S106 - a hint's name
        )
        if response.status_code != 200:
            raise RequesterError(f"Revoking answered {response.status_code}.")

    async def shared_consent(self) -> dict[str, Any]:
        """The consent the access token stands for; reading it counts nothing."""
        data = await self.graphql(SHARED_CONSENT)

        return unless_problem(data["sharedConsent"])

    async def read_document(self, uri: str, forms: Sequence[str]) -> SharedRead:
        """Read one document in ``forms``; its XML must verify against its issuer.

        Raises ``LockerRefused`` (``NOT_GRANTED``, ``READ_LIMIT_REACHED``, …)
        when the consent does not allow the read.
        """
        data = await self.graphql(
            SHARED_DOCUMENT,
            uri=uri,
            withMetadata="METADATA" in forms,
            withXml="XML" in forms,
        )
        document = unless_problem(data["sharedDocument"])
        read = SharedRead(uri=uri, forms=tuple(forms))
        if "metadata" in document:
            metadata = unless_problem(document["metadata"])
            read = replace(
                read, name=metadata["name"], issuer_name=metadata["issuerName"]
            )
        if "xml" in document:
            xml = unless_problem(document["xml"])["xml"]
            certificates = await self.issuer_certificates()
            verify_signed_xml(xml, certificates[uri.split("-", 1)[0]])
            read = replace(read, xml=xml)

        return read

    async def read_shared_documents(self) -> list[SharedRead]:
        """Every document the consent shares, each in the forms granted."""
        consent = await self.shared_consent()

        return [
            await self.read_document(shared["uri"], shared["forms"])
            for shared in consent["documents"]
        ]

    async def issuer_certificates(self) -> dict[str, str]:
        """Each issuer's signing certificate (PEM), by issuer id: public data."""
        if self._certificates is None:
            data = await self.graphql(ISSUER_CERTIFICATES, anonymous=True)
            self._certificates = {
                issuer["id"]: issuer["certificate"] for issuer in data["issuers"]
            }

        return self._certificates

    async def graphql(
        self, query: str, *, anonymous: bool = False, **variables: Any
    ) -> dict[str, Any]:
        """The ``data`` of a GraphQL answer, sent with the access token unless
        ``anonymous``; GraphQL ``errors`` (a malformed query) raise."""
        response = await self.client.request(
            "POST",
            self.registration.endpoint(GRAPHQL_PATH),
            json={"query": query, "variables": variables},
            withhold_token=anonymous,
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RequesterError(f"The locker could not answer the query: {body}")
        data: dict[str, Any] = body["data"]

        return data


@dataclass
class Outcome:
    """What one run read: before and after refreshing, and after revoking."""

    documents: list[SharedRead] = field(default_factory=list)
    after_refresh: list[SharedRead] = field(default_factory=list)
    refused_after_revoking: str | None = None
    """The Problem code the revoked token got."""


async def show_the_address(url: str) -> None:
    """The browser step for a person on another screen: print the URL."""
    print(f"Open this address in a browser to sign in and decide:\n{url}")
    sys.stdout.flush()


async def open_in_default_browser(url: str) -> None:
    """The browser step for a person here: print the URL and open it."""
    await show_the_address(url)
    webbrowser.open(url)


async def run_requester(
    registration: Registration,
    ask: ConsentAsk,
    open_in_browser: OpenInBrowser = open_in_default_browser,
    out: Out = print,
) -> Outcome:
    """The whole flow, from asking the resident to revoking the tokens.

    Raises as ``LockerRequester.authorize`` does, and ``LockerRefused`` when a
    read is refused.
    """
    outcome = Outcome()
    async with LockerRequester(registration) as requester:
        out(f"1. Asking the resident for {' '.join(ask.scopes)} ({ask.purpose})")
        await requester.authorize(ask, open_in_browser)
        expires_in = requester.token.get("expires_in")
        out(f"2. The resident allowed it; a token for {expires_in} s")

        outcome.documents = await requester.read_shared_documents()
        for read in outcome.documents:
            out(f"3. Read {read.uri} ({', '.join(read.forms)}): {read.name or '-'}")

        await requester.refresh()
        outcome.after_refresh = await requester.read_shared_documents()
        out(f"4. Refreshed the token; read {len(outcome.after_refresh)} again")

        await requester.revoke()
        try:
            await requester.shared_consent()
        except LockerRefused as refused:
            outcome.refused_after_revoking = refused.code
        out(f"5. Revoked; the locker now answers {outcome.refused_after_revoking}")

    return outcome


def check_callback(callback: str, state: str, endpoints: LockerEndpoints) -> None:
    """Refuse a redirect not meant for this request; raise the resident's "no".

    Authlib checks ``state`` on a code; an error redirect is checked here, and
    ``iss`` (RFC 9207) must name the locker asked (and be there, when its
    metadata says it sends it), so a code from another server is never sent
    to this one.
    """
    query = {
        name: values[0] for name, values in parse_qs(urlsplit(callback).query).items()
    }
    if query.get("state") != state:
        raise RequesterError("The redirect's state is not the one sent; ignored.")
    issuer = query.get("iss")
    if (issuer is not None or endpoints.sends_iss) and issuer != endpoints.issuer:
        raise RequesterError(
            f"The redirect came from {issuer}, not {endpoints.issuer}; ignored."
        )
    if "error" in query:
        raise ConsentRefused(query["error"], query.get("error_description"))
    if "code" not in query:
        raise RequesterError("The redirect carried neither a code nor an error.")


def unless_problem(result: dict[str, Any]) -> dict[str, Any]:
    """``result``, or ``LockerRefused`` when it is a ``Problem``."""
    if "code" in result and "message" in result:
        raise LockerRefused(result["code"], result["message"])

    return result


def verify_signed_xml(xml: str, certificate_pem: str) -> None:
    """Check the issuer's enveloped signature over the exact bytes received,
    pinned to the issuer's certificate (signxml refuses SHA-1 and more)."""
    try:
        XMLVerifier().verify(xml.encode("utf-8"), x509_cert=certificate_pem)
    except SignXMLException as error:
        raise RequesterError(f"The XML's signature does not verify: {error}") from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m examples.requester.requester",
        description="Ask a resident for documents and read them under consent.",
    )
    parser.add_argument(
        "--locker", default="http://127.0.0.1:8000", help="the locker's URL"
    )
    parser.add_argument(
        "--client-id", required=True, help="from python -m cli register-requester"
    )
    parser.add_argument(
        "--redirect-uri",
        default="http://127.0.0.1:8765/callback",
        help="as registered; http on loopback, which this program listens on",
    )
    parser.add_argument(
        "--scope",
        dest="scopes",
        action="append",
        required=True,
        help="issued/<URI> or doctype/<DocType> (repeat)",
    )
    parser.add_argument("--purpose", required=True, help="a registered purpose code")
    parser.add_argument(
        "--forms", nargs="+", default=list(ALL_FORMS), help="metadata xml pdf"
    )
    parser.add_argument("--valid-for-days", type=int, default=30)
    parser.add_argument("--max-reads", type=int, help="default: no limit")
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="only print the address to open (on a server, say)",
    )
    arguments = parser.parse_args(argv)
    secret = os.environ.get("OPENLOCKER_CLIENT_SECRET")
    if not secret:
        parser.error("set OPENLOCKER_CLIENT_SECRET to the client secret")

    registration = Registration(
        arguments.locker, arguments.client_id, secret, arguments.redirect_uri
    )
    ask = ConsentAsk(
        scopes=arguments.scopes,
        purpose=arguments.purpose,
        forms=arguments.forms,
        valid_for_days=arguments.valid_for_days,
        max_reads=arguments.max_reads,
    )
    browser_step = show_the_address if arguments.no_browser else open_in_default_browser
    try:
        asyncio.run(run_requester(registration, ask, browser_step))
    except ConsentRefused as refused:
        print(f"The resident did not share: {refused}", file=sys.stderr)
        return 1
    except (RequesterError, OAuthError, TimeoutError) as error:
        print(f"FAILED: {error!r}", file=sys.stderr)
        return 1
    except OSError as error:
        # Most often the redirect URI's port is taken by another program.
        print(
            f"FAILED: cannot listen for the redirect on {arguments.redirect_uri} "
            f"({error.strerror or error}); register and pass another "
            "--redirect-uri.",
            file=sys.stderr,
        )
        return 1
    print("Done.")

    return 0


if __name__ == "__main__":
    sys.exit(main())
