"""One DigiLocker-compatible issuer, described by data instead of code.

``DigiLockerIssuerConfig`` holds everything the adapter needs for one issuer:
who it is, where its Pull URI (and, where it has one, Pull Doc) service
answers, the shared API key, its signing certificate, its doc types with the
lookup fields residents type and the elements the issuer reads them from, and
the limits an exchange runs under. Every value is checked when the config is
built, so a mistake stops the locker at start with a message naming the key,
not at a resident's first pull. ``adapters.digilocker.loading`` builds
configs from TOML or JSON files.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import ClassVar

import httpx
import pydantic
from cryptography import x509

from adapters.sdk import DateField, DocTypeSpec, LookupField, OrganizationType
from adapters.sdk.document import ISSUER_ID_PATTERN

TEMPURI_NAMESPACE = "http://tempuri.org/"
DIGILOCKER_V1_NAMESPACE = "https://www.digitallocker.gov.in/schema/issuer/v1/"

# Elements the request itself uses under DocDetails: a lookup field may not
# take one of these names.
RESERVED_ELEMENTS = frozenset(
    {"DocType", "DigiLockerId", "UID", "FullName", "DOB", "Photo", "URI"}
)
_ELEMENT_NAME = r"[A-Za-z_][A-Za-z0-9_.-]{0,63}"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_MOST_RESPONSE_BYTES = 50_000_000
_FEWEST_RESPONSE_BYTES = 1_024
_TEN_YEARS_SECONDS = 10 * 365 * 24 * 3600
_LONGEST_TIMEOUT_SECONDS = 120


class RequestNamespace(enum.StrEnum):
    """Which XML namespace requests declare; issuers' parsers expect one or other.

    ``tempuri`` is what DigiLocker's older issuers were built against;
    ``digilocker-v1`` is the namespace of the published v1 issuer schema, one
    per message (``…/v1/pullurirequest``, ``…/v1/pulldocrequest``).
    """

    TEMPURI = "tempuri"
    DIGILOCKER_V1 = "digilocker-v1"

    def for_message(self, message: str) -> str:
        """The namespace URI for ``message`` (``PullURIRequest``, ...)."""
        if self is RequestNamespace.TEMPURI:
            return TEMPURI_NAMESPACE
        return DIGILOCKER_V1_NAMESPACE + message.lower()


class ContentFormat(enum.StrEnum):
    """What the request's ``format`` asks for; the certificate XML is always needed."""

    XML = "xml"
    BOTH = "both"


@dataclass(frozen=True)
class IssuerLookupField:
    """A lookup field as the resident types it and as the issuer receives it.

    ``name`` is the field residents' apps send (``seatNumber``); ``element`` the
    element under ``DocDetails`` the issuer reads it from (``SeatNo``). A
    ``date`` field is typed in any of the SDK's date forms and sent as
    DD-MM-YYYY; its pattern is the SDK's own.
    """

    name: str
    element: str
    label: str
    example: str
    pattern: str = ""
    description: str = ""
    uppercase: bool = False
    date: bool = False

    def __post_init__(self) -> None:
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,63}", self.name) is None:
            raise ValueError(
                f"lookup field name {self.name!r} must be letters and digits, "
                "like 'seatNumber'"
            )
        if re.fullmatch(_ELEMENT_NAME, self.element) is None:
            raise ValueError(
                f"lookup field {self.name}: element {self.element!r} is not an "
                "XML element name"
            )
        if self.element in RESERVED_ELEMENTS:
            raise ValueError(
                f"lookup field {self.name}: element {self.element!r} is one the "
                "request already sends; choose the issuer's own search element"
            )
        if not self.date:
            _check_pattern(self.name, self.pattern)
            shown = self.example.upper() if self.uppercase else self.example
            if re.fullmatch(self.pattern, shown) is None:
                raise ValueError(
                    f"lookup field {self.name}: example {self.example!r} does not "
                    "match its own pattern (residents are shown it as a hint)"
                )

    def spec(self) -> LookupField:
        """The SDK field that validates what the resident typed."""
        if self.date:
            return DateField(
                name=self.name,
                label=self.label,
                example=self.example,
                description=self.description,
            )
        return LookupField(
            name=self.name,
            label=self.label,
            example=self.example,
            pattern=self.pattern,
            description=self.description,
            uppercase=self.uppercase,
        )


@dataclass(frozen=True)
class IssuerDocType:
    """A doc type the issuer serves through its Pull URI API."""

    code: str
    name: str
    description: str
    lookup_fields: tuple[IssuerLookupField, ...]

    def __post_init__(self) -> None:
        names = [lookup.name for lookup in self.lookup_fields]
        elements = [lookup.element for lookup in self.lookup_fields]
        if not names:
            raise ValueError(f"doc type {self.code} needs at least one lookup field")
        if len(set(names)) != len(names) or len(set(elements)) != len(elements):
            raise ValueError(
                f"doc type {self.code}: lookup field names and elements must be unique"
            )

    def spec(self) -> DocTypeSpec:
        """The SDK doc type, with its lookup fields."""
        return DocTypeSpec(
            code=self.code,
            name=self.name,
            description=self.description,
            lookup_fields=tuple(lookup.spec() for lookup in self.lookup_fields),
        )

    def lookup_field(self, name: str) -> IssuerLookupField:
        for lookup in self.lookup_fields:
            if lookup.name == name:
                return lookup
        raise KeyError(name)


@dataclass(frozen=True)
class DigiLockerIssuerConfig:
    """Everything the adapter needs to speak to one issuer's Pull URI API.

    - ``org_id``: the id the issuer gave this locker (the request's ``orgId``).
    - ``api_key``: the shared key behind ``keyhash`` and ``x-digilocker-hmac``.
    - ``pull_doc_url``: set for an issuer that also serves ``PullDocRequest``;
      the adapter then fetches each document afresh by URI. Without it, a
      document is read from the ``PullURIResponse`` that found it.
    - ``certificate_pem``: the issuer's signing certificate. When set, every
      ``DataContent`` must carry a valid enveloped signature by its key.
    - ``send_identity``: send the resident's verified name and date of birth
      (``FullName``, ``DOB``), which many issuers check against the record.
    - timeouts in seconds (``total`` bounds a whole exchange, so an issuer
      that trickles bytes cannot hold a request open), and the most bytes an
      answer may have.
    - ``stale_copy_seconds``: how old a copy the locker may show a resident,
      marked stale, while the issuer cannot send the document. Default: none
      for an issuer with ``pull_doc_url``; ten years without one, whose
      documents come only with the answer that found them, so that the
      locker's copy is the one there is.
    """

    __pydantic_config__: ClassVar[pydantic.ConfigDict] = pydantic.ConfigDict(
        extra="forbid"
    )

    issuer_id: str
    name: str
    org_id: str
    pull_uri_url: str
    api_key: str = field(repr=False)
    doc_types: tuple[IssuerDocType, ...]
    organization_type: OrganizationType = OrganizationType.STATE_GOVERNMENT
    organization_code: str = ""
    pull_doc_url: str | None = None
    certificate_pem: str | None = field(default=None, repr=False)
    namespace: RequestNamespace = RequestNamespace.TEMPURI
    content_format: ContentFormat = ContentFormat.XML
    api_version: str = "1.0"
    send_identity: bool = True
    connect_timeout_seconds: float = 5.0
    read_timeout_seconds: float = 15.0
    total_timeout_seconds: float = 30.0
    max_response_bytes: int = 5_000_000
    stale_copy_seconds: int | None = None

    def __post_init__(self) -> None:
        if re.fullmatch(ISSUER_ID_PATTERN, self.issuer_id) is None:
            raise ValueError(
                f"issuer_id {self.issuer_id!r} must be reverse-domain style, "
                "like 'in.gov.mahahsscboard'"
            )
        if not self.name.strip() or not self.org_id.strip():
            raise ValueError("name and org_id must not be empty")
        if len(self.api_key) < 16:
            raise ValueError("api_key must be the issuer's key, 16 characters or more")
        _check_url("pull_uri_url", self.pull_uri_url)
        if self.pull_doc_url is not None:
            _check_url("pull_doc_url", self.pull_doc_url)
        self._check_doc_types()
        self._check_limits()
        if self.certificate_pem is not None:
            try:
                x509.load_pem_x509_certificate(self.certificate_pem.encode())
            except ValueError:
                raise ValueError(
                    "certificate_pem is not a PEM X.509 certificate"
                ) from None

    @property
    def uses_pull_doc(self) -> bool:
        return self.pull_doc_url is not None

    @property
    def stale_copy_lifetime(self) -> int:
        """``stale_copy_seconds``, or its default (see the class docstring)."""
        if self.stale_copy_seconds is not None:
            return self.stale_copy_seconds
        return 0 if self.uses_pull_doc else _TEN_YEARS_SECONDS

    @property
    def call_timeout(self) -> float:
        """The most one find or fetch may take: a whole exchange, and a second."""
        return self.total_timeout_seconds + 1.0

    def doc_type(self, code: str) -> IssuerDocType:
        for doc_type in self.doc_types:
            if doc_type.code == code:
                return doc_type
        raise KeyError(code)

    def _check_doc_types(self) -> None:
        codes = [doc_type.code for doc_type in self.doc_types]
        if not codes:
            raise ValueError("doc_types must name at least one doc type")
        if len(set(codes)) != len(codes):
            raise ValueError(f"doc_types repeat a code: {', '.join(codes)}")
        for doc_type in self.doc_types:
            doc_type.spec()  # the SDK checks the code's form

    def _check_limits(self) -> None:
        timeouts = (
            self.connect_timeout_seconds,
            self.read_timeout_seconds,
            self.total_timeout_seconds,
        )
        if any(not 0 < seconds <= _LONGEST_TIMEOUT_SECONDS for seconds in timeouts):
            raise ValueError(
                "timeouts must be positive numbers of seconds, at most "
                f"{_LONGEST_TIMEOUT_SECONDS} (a resident is waiting)"
            )
        if self.stale_copy_seconds is not None and self.stale_copy_seconds < 0:
            raise ValueError("stale_copy_seconds must not be negative")
        if (
            not _FEWEST_RESPONSE_BYTES
            <= self.max_response_bytes
            <= _MOST_RESPONSE_BYTES
        ):
            raise ValueError(
                f"max_response_bytes must be between {_FEWEST_RESPONSE_BYTES} and "
                f"{_MOST_RESPONSE_BYTES}"
            )


def _check_pattern(name: str, pattern: str) -> None:
    if not pattern:
        raise ValueError(f"lookup field {name} needs a pattern")
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(
            f"lookup field {name}: pattern is not a regular expression ({error})"
        ) from None


def _check_url(key: str, url: str) -> None:
    # Requests carry the resident's name and date of birth: plain HTTP only to
    # this machine (tests, a sidecar), never across a network.
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise ValueError(f"{key} {url!r} is not a URL") from None
    if parsed.userinfo:
        raise ValueError(
            f"{key} must not carry a user name or password; the API key "
            "authenticates requests"
        )
    loopback = parsed.scheme == "http" and parsed.host in _LOOPBACK_HOSTS
    if not (parsed.scheme == "https" and parsed.host) and not loopback:
        raise ValueError(
            f"{key} must be an https URL (http only on 127.0.0.1 or localhost)"
        )
