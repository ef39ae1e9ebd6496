"""Requester onboarding: the operator registers who may ask residents for documents.

A requester (a university, an employer, a passport office) is registered once
by the operator, with everything the authorization server will hold it to:

- ``org_id``, a slug naming the organisation (``iitm``), unique;
- its redirect URIs, matched exactly later, so they are checked strictly now:
  absolute, ``https`` (``http`` only on the loopback host, for a requester's
  own development), no fragment, no wildcard, no user name, plain ASCII;
- the purposes it may state (``ADMISSION``: "Verify Class XII marks for
  admission") and the doc types it may ask for, each one an issuer here
  declares;
- how it proves who it is: a client secret, generated here, shown once and
  kept only as a keyed hash (``client_secret_basic``), or the public keys of a
  JWKS it signs client assertions with (``private_key_jwt``).

The keyed hash depends on ``LOCKER_SECRET_KEY``: changing that key voids every
requester's secret, as it voids OTPs in flight; rotate each one afterwards.
"""

from __future__ import annotations

import builtins
import hmac
import json
import logging
import re
import secrets
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import Key, KeySet
from tortoise.exceptions import IntegrityError

from adapters.registry import AdapterRegistry
from models import Requester
from services.crypto import keyed_hash
from services.errors import InvalidArgument, InvalidCredentials, UnknownDocType

logger = logging.getLogger(__name__)

CLIENT_SECRET_BASIC = "client_secret_basic"  # noqa: S105 - a method's name
PRIVATE_KEY_JWT = "private_key_jwt"

CLIENT_ID_PREFIX = "rq_"
SECRET_HASH_PURPOSE = "requester-client-secret"  # noqa: S105 - a hash domain

ORG_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PURPOSE_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
# The limits of the columns the values are kept in (``Requester``, ``Consent``).
MOST_ORG_ID_CHARACTERS = 100
MOST_NAME_CHARACTERS = 200
MOST_PURPOSE_CODE_CHARACTERS = 32
MOST_PURPOSE_TEXT_CHARACTERS = 300

# RFC 3986's characters, less "*": a redirect URI holds nothing else, so a
# space, a backslash or a quote never reaches a browser's lenient parser.
URI_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "-._~:/?#[]@!$&'()+,;=%"
)
# RFC 8252 section 7.3: a native or development client listens on loopback.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})

# Keys a requester may sign client assertions with (RFC 7518, RFC 8037).
SIGNING_CURVES = {"EC": {"P-256", "P-384", "P-521"}, "OKP": {"Ed25519", "Ed448"}}
LEAST_RSA_BITS = 2048


@dataclass(frozen=True)
class Purpose:
    """Why a requester asks: a stable code and the sentence a resident reads."""

    code: str
    text: str

    @classmethod
    def parse(cls, written: str) -> Purpose:
        """A purpose written as ``CODE:text`` (the CLI's form)."""
        code, colon, text = written.partition(":")
        if not colon:
            raise InvalidArgument(
                f"Write a purpose as CODE:text, as in “ADMISSION:Verify Class XII "
                f"marks for admission”; got {written!r}.",
                field="purposes",
            )
        return cls(code=code.strip(), text=text.strip())


def purposes_of(requester: Requester) -> list[Purpose]:
    """The purposes a requester was registered with."""
    return [Purpose(code=p["code"], text=p["text"]) for p in requester.purposes]


def jwks_from_json(text: str) -> dict[str, Any]:
    """A JWKS as the operator pasted or filed it, read as a JSON object."""
    try:
        jwks = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidArgument(
            f"The JWKS is not JSON ({error.msg} at line {error.lineno}).",
            field="jwks",
        ) from error
    if not isinstance(jwks, dict):
        raise InvalidArgument('A JWKS is a JSON object: {"keys": [...]}.', field="jwks")

    return jwks


class RequesterRegistry:
    """Registers requesters and checks their client secrets.

    ``secret_key`` keys the client secrets' hashes; ``registry`` says which
    doc types exist.
    """

    def __init__(self, secret_key: str, registry: AdapterRegistry) -> None:
        self._key = secret_key.encode()
        self.registry = registry

    async def register(
        self,
        org_id: str,
        name: str,
        redirect_uris: Sequence[str],
        purposes: Sequence[Purpose],
        doc_types: Sequence[str],
        *,
        jwks: Mapping[str, Any] | None = None,
    ) -> tuple[Requester, str | None]:
        """Register a requester; answer it and its client secret.

        With ``jwks`` it authenticates by ``private_key_jwt`` and has no
        secret (``None``). The secret is returned this once and never again.
        Every input is checked before anything is stored; the first fault
        raises ``InvalidArgument`` (or ``UnknownDocType``) naming the field.
        """
        org_id = _checked_org_id(org_id)
        name = _checked_text(
            name, "name", "The organisation's name", MOST_NAME_CHARACTERS
        )
        uris = _checked_redirect_uris(redirect_uris)
        purpose_rows = _checked_purposes(purposes)
        codes = _checked_doc_types(doc_types, self.registry)
        public_keys = _checked_jwks(jwks) if jwks is not None else None
        if await Requester.exists(org_id=org_id):
            raise _org_id_taken(org_id)

        client_id = CLIENT_ID_PREFIX + secrets.token_urlsafe(18)
        secret, secret_hash, auth_method = None, None, PRIVATE_KEY_JWT
        if public_keys is None:
            secret = secrets.token_urlsafe(32)
            secret_hash, auth_method = (
                self._hash(client_id, secret),
                CLIENT_SECRET_BASIC,
            )
        try:
            requester = await Requester.create(
                org_id=org_id,
                name=name,
                client_id=client_id,
                auth_method=auth_method,
                client_secret_hash=secret_hash,
                jwks=public_keys,
                redirect_uris=uris,
                purposes=purpose_rows,
                doc_types=codes,
            )
        except IntegrityError as error:
            # Another registration of the same org id won the race.
            raise _org_id_taken(org_id) from error

        logger.info(
            "Registered requester %s (%s) as %s, authenticating by %s",
            org_id,
            name,
            client_id,
            requester.auth_method,
        )
        return requester, secret

    async def rotate_secret(self, client_id: str) -> str:
        """Give an active secret-holding requester a new secret; the old one stops
        working at once. Answer the new secret, shown this once."""
        requester = await self.get(client_id)
        if requester.auth_method != CLIENT_SECRET_BASIC:
            raise InvalidArgument(
                "This requester signs in with its keys (private_key_jwt) and has "
                "no client secret to rotate; register its new key instead.",
                field="clientId",
            )
        if not requester.active:
            raise InvalidArgument(
                "This requester is deactivated; it gets no new secret.",
                field="clientId",
            )

        secret = secrets.token_urlsafe(32)
        requester.client_secret_hash = self._hash(client_id, secret)
        await requester.save(update_fields=["client_secret_hash"])
        logger.info("Rotated the client secret of requester %s", client_id)

        return secret

    async def deactivate(self, client_id: str) -> Requester:
        """Stop a requester from authenticating; its registration is kept."""
        requester = await self.get(client_id)
        if requester.active:
            requester.active = False
            await requester.save(update_fields=["active"])
            logger.info("Deactivated requester %s", client_id)

        return requester

    async def authenticate_secret(self, client_id: str, secret: str) -> Requester:
        """The active requester whose client id and secret these are.

        Anything else (an unknown client id, a wrong secret, a requester that
        uses keys or was deactivated) raises the same ``InvalidCredentials``,
        after the same hash and constant-time comparison.
        """
        requester = await Requester.get_or_none(client_id=client_id)
        stored = requester.client_secret_hash if requester else None
        matches = hmac.compare_digest(self._hash(client_id, secret), stored or "0" * 64)
        if requester is None or stored is None or not matches or not requester.active:
            raise InvalidCredentials("Wrong client id or client secret.")

        return requester

    async def get(self, client_id: str) -> Requester:
        """The requester with this client id, active or not."""
        requester = await Requester.get_or_none(client_id=client_id)
        if requester is None:
            raise InvalidArgument(
                f"No requester has the client id {client_id!r}.", field="clientId"
            )

        return requester

    async def list(self) -> builtins.list[Requester]:
        """Every requester, active or not, by org id."""
        return await Requester.all().order_by("org_id")

    def _hash(self, client_id: str, secret: str) -> str:
        # Bound to the client id: a hash copied to another row does not verify.
        return keyed_hash(
            self._key, f"{client_id}:{secret}", purpose=SECRET_HASH_PURPOSE
        )


def _org_id_taken(org_id: str) -> InvalidArgument:
    return InvalidArgument(
        f"A requester with the org id {org_id!r} is already registered; choose "
        "another org id.",
        field="orgId",
    )


def _checked_org_id(org_id: str) -> str:
    org_id = org_id.strip()
    if not ORG_ID.fullmatch(org_id) or len(org_id) > MOST_ORG_ID_CHARACTERS:
        raise InvalidArgument(
            "The org id is a slug: lowercase letters and digits, words joined by "
            f"single hyphens (“iitm”, “tcs-hiring”), at most "
            f"{MOST_ORG_ID_CHARACTERS} characters.",
            field="orgId",
        )

    return org_id


def _checked_text(text: str, field: str, what: str, most: int) -> str:
    text = text.strip()
    if not text:
        raise InvalidArgument(f"{what} is empty.", field=field)
    if len(text) > most:
        raise InvalidArgument(f"{what} is over {most} characters.", field=field)
    if not text.isprintable():
        raise InvalidArgument(
            f"{what} holds a control or invisible formatting character; "
            "type it again as plain text.",
            field=field,
        )

    return text


def _checked_redirect_uris(redirect_uris: Iterable[str]) -> list[str]:
    uris = list(dict.fromkeys(redirect_uris))
    if not uris:
        raise InvalidArgument("Give at least one redirect URI.", field="redirectUris")
    for uri in uris:
        problem = _redirect_uri_problem(uri)
        if problem is not None:
            raise InvalidArgument(
                f"The redirect URI {uri!r} {problem}.", field="redirectUris"
            )

    return uris


def _redirect_uri_problem(uri: str) -> str | None:
    """Why ``uri`` cannot be a redirect URI, or None if it can."""
    if "*" in uri:
        return "has a wildcard; register each exact URI instead"
    if "#" in uri:
        return "has a fragment (#…), which a redirect URI must not have"
    if not set(uri) <= URI_CHARACTERS:
        return (
            "has characters a URI cannot hold (spaces, backslashes, quotes or "
            "letters outside ASCII); percent-encode the path, write the host in "
            "punycode"
        )
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return "is not a well-formed URL"
    if not parts.scheme or not parts.hostname:
        return "is not absolute: give the scheme and host (https://…)"
    if "@" in parts.netloc:
        return "has a user name or password before the host"
    if ":" in parts.hostname:
        # A Content-Security-Policy cannot name an IPv6 address, so the consent
        # page could not allow its form to send the browser there.
        return "names an IPv6 address as its host; use a host name or 127.0.0.1"
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return "uses http; only https is allowed, except on 127.0.0.1 or localhost"
    if parts.scheme not in {"https", "http"}:
        return "is not an https URL"

    return None


def _checked_doc_types(
    doc_types: Iterable[str], registry: AdapterRegistry
) -> list[str]:
    codes = list(dict.fromkeys(code.strip().upper() for code in doc_types))
    if not codes:
        raise InvalidArgument(
            "Name at least one doc type the requester may ask for.",
            field="docTypes",
        )
    known = {spec.code for adapter in registry for spec in adapter.doc_types}
    for code in codes:
        if code not in known:
            raise UnknownDocType(
                f"No issuer here declares the doc type {code!r}; the known "
                f"ones are {', '.join(sorted(known))}.",
                field="docTypes",
            )

    return codes


def _checked_purposes(purposes: Sequence[Purpose]) -> list[dict[str, str]]:
    if not purposes:
        raise InvalidArgument(
            "Give at least one purpose the requester may state.", field="purposes"
        )
    rows: list[dict[str, str]] = []
    for purpose in purposes:
        code = purpose.code.strip()
        if not PURPOSE_CODE.fullmatch(code) or len(code) > MOST_PURPOSE_CODE_CHARACTERS:
            raise InvalidArgument(
                f"{code!r} is not a purpose code: capital letters and digits, "
                "words joined by underscores (ADMISSION, EMPLOYMENT_VERIFICATION), "
                f"at most {MOST_PURPOSE_CODE_CHARACTERS} characters.",
                field="purposes",
            )
        if any(row["code"] == code for row in rows):
            raise InvalidArgument(
                f"The purpose code {code} is given twice; give each once.",
                field="purposes",
            )
        text = _checked_text(
            purpose.text,
            "purposes",
            f"The text of purpose {code}",
            MOST_PURPOSE_TEXT_CHARACTERS,
        )
        rows.append({"code": code, "text": text})

    return rows


def _checked_jwks(jwks: Mapping[str, Any]) -> dict[str, Any]:
    """The public signing keys of ``jwks``, as joserfc writes them back.

    Private and symmetric keys are refused: the locker must never hold what
    lets someone sign as the requester.
    """
    raw_keys = jwks.get("keys")
    if not isinstance(raw_keys, list) or not raw_keys:
        raise _bad_jwks('A JWKS is {"keys": [...]} with at least one key.')
    for raw in raw_keys:
        key_type = raw.get("kty") if isinstance(raw, dict) else None
        if key_type == "oct":
            raise _bad_jwks(
                "The JWKS holds a symmetric (oct) key; give the public half of an "
                "RSA, EC or Ed25519 key pair, or register without keys to get a "
                "client secret."
            )
        if key_type not in {"RSA", *SIGNING_CURVES}:
            raise _bad_jwks(
                f"The JWKS holds a key of type {key_type!r}; use RSA, EC or OKP."
            )

    try:
        with warnings.catch_warnings():
            # joserfc warns about weak keys; _signing_key_problem refuses them.
            warnings.simplefilter("ignore", SecurityWarning)
            key_set = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise _bad_jwks(f"The JWKS does not parse as keys: {error}.") from error

    for key in key_set.keys:
        problem = _signing_key_problem(key)
        if problem is not None:
            raise _bad_jwks(f"The key {key.kid!r} {problem}.")
    kids = [key.kid for key in key_set.keys]
    if len(set(kids)) != len(kids):
        raise _bad_jwks("Two keys of the JWKS share one kid; give each its own.")

    return dict(key_set.as_dict(private=False))


def _signing_key_problem(key: Key) -> str | None:
    """Why ``key`` cannot verify a requester's client assertion, or None."""
    if key.is_private:
        return (
            "is a private key; send only its public half (the locker must never "
            "hold the requester's private key)"
        )
    if key.get("use", "sig") != "sig":
        return "is marked for encryption (use) rather than signing"
    public_key = key.raw_value
    if isinstance(public_key, RSAPublicKey) and public_key.key_size < LEAST_RSA_BITS:
        return f"is RSA under {LEAST_RSA_BITS} bits"
    curves = SIGNING_CURVES.get(key.key_type)
    if curves is not None and key.get("crv") not in curves:
        return f"is on the curve {key.get('crv')!r}; use {' or '.join(sorted(curves))}"

    return None


def _bad_jwks(message: str) -> InvalidArgument:
    return InvalidArgument(message, field="jwks")
