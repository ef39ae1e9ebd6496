"""The standard representation every adapter translates its issuer's data into.

A ``StandardDocument`` mirrors DigiLocker's certificate XML: who issued it
(``Organization``), to whom (``Person``), and the type-specific
``CertificateData`` as a tree of ``DataNode`` elements. The locker turns it into
the signed certificate XML (``adapters.sdk.xml.build_certificate``) and the
signed PDF rendition; the ``display`` sections say how a person reads it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from adapters.sdk.identity import Gender

ISSUER_ID_PATTERN = r"[a-z][a-z0-9]*(?:\.[a-z0-9]+)+"
DOC_TYPE_PATTERN = r"[A-Z]{1,5}"
DOC_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._/]{0,99}"
_URI = re.compile(
    rf"(?P<issuer_id>{ISSUER_ID_PATTERN})-(?P<doc_type>{DOC_TYPE_PATTERN})"
    rf"-(?P<doc_id>{DOC_ID_PATTERN})"
)


@dataclass(frozen=True)
class DocumentUri:
    """A document's persistent reference, ``IssuerId-DocType-DocId``."""

    issuer_id: str
    doc_type: str
    doc_id: str

    def __str__(self) -> str:
        return f"{self.issuer_id}-{self.doc_type}-{self.doc_id}"

    @classmethod
    def parse(cls, uri: str) -> DocumentUri:
        """Split a URI into its parts; ``ValueError`` when it has not that form."""
        match = _URI.fullmatch(uri.strip())
        if match is None:
            raise ValueError(
                f"{uri!r} is not a document URI of the form IssuerId-DocType-DocId"
            )
        return cls(**match.groupdict())


def make_uri(issuer_id: str, doc_type: str, doc_id: str) -> str:
    """Build and check a URI; adapters should never format one by hand."""
    uri = f"{issuer_id}-{doc_type}-{doc_id}"
    DocumentUri.parse(uri)
    return uri


class DocumentStatus(enum.StrEnum):
    """A document's status as its issuer states it (the certificate's letters)."""

    ACTIVE = "A"
    EXPIRED = "E"
    REVOKED = "R"
    SUSPENDED = "S"


class OrganizationType(enum.StrEnum):
    CENTRAL_GOVERNMENT = "CG"
    STATE_GOVERNMENT = "SG"
    NON_GOVERNMENT = "NG"


@dataclass(frozen=True)
class Address:
    """A postal address; every part optional, as in the certificate XML."""

    line1: str = ""
    line2: str = ""
    house: str = ""
    landmark: str = ""
    locality: str = ""
    vtc: str = ""
    district: str = ""
    pin: str = ""
    state: str = ""
    country: str = "IN"
    type: str = ""

    def one_line(self) -> str:
        parts = (
            self.house,
            self.line1,
            self.line2,
            self.landmark,
            self.locality,
            self.vtc,
            self.district,
            self.state,
            self.pin,
        )
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class Organization:
    """The issuer as it appears in ``IssuedBy``."""

    name: str
    code: str = ""
    tin: str = ""
    uid: str = ""
    type: OrganizationType = OrganizationType.CENTRAL_GOVERNMENT
    address: Address | None = None


@dataclass(frozen=True)
class Photo:
    """A holder's photograph as the issuer keeps it."""

    format: str  # RAW, PNG, JPG or JPEG
    content: bytes


@dataclass(frozen=True)
class Person:
    """The holder as it appears in ``IssuedTo``."""

    name: str
    dob: date | None = None
    gender: Gender | None = None
    title: str = ""
    mother_name: str = ""
    father_name: str = ""
    category: str = ""
    phone: str = ""
    email: str = ""
    address: Address | None = None
    photo: Photo | None = None


@dataclass(frozen=True)
class DataNode:
    """One element of ``CertificateData``: a tag, its attributes, its children.

    Attribute values are strings as they should appear in the XML; leave out
    what the issuer does not know rather than writing empty strings.
    """

    tag: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    children: tuple[DataNode, ...] = ()


def node(tag: str, *children: DataNode, **attributes: str | None) -> DataNode:
    """Build a ``DataNode``, dropping attributes whose value is ``None`` or empty."""
    kept = {name: value for name, value in attributes.items() if value}
    return DataNode(tag=tag, attributes=kept, children=children)


@dataclass(frozen=True)
class DisplaySection:
    """A block of the PDF rendition: either label/value rows or a table.

    ``rows`` holds (label, value) pairs; ``columns`` with ``table`` draws a grid
    (a marksheet's subjects, a licence's classes of vehicle).
    """

    title: str
    rows: tuple[tuple[str, str], ...] = ()
    columns: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class StandardDocument:
    """A document in the standard representation, as an adapter's ``fetch`` answers.

    ``name`` is the certificate's title ("Class XII Marksheet"), ``number`` its
    number on the issuer's side (roll number, licence number, PAN).
    ``issuer_xml`` is for an issuer that sends its own signed certificate XML:
    those bytes exactly as received, which the locker keeps beside its own
    rendition and shows the resident, so the issuer's signature can be checked
    too. Leave it None otherwise.
    """

    uri: str
    doc_type: str
    name: str
    number: str
    issued_by: Organization
    issued_to: Person
    data: tuple[DataNode, ...]
    status: DocumentStatus = DocumentStatus.ACTIVE
    issue_date: date | None = None
    valid_from: date | None = None
    expiry_date: date | None = None
    issued_at: str = ""
    language: str = "99"
    prev_number: str = ""
    display: tuple[DisplaySection, ...] = ()
    fetched_at: datetime | None = None
    issuer_xml: bytes | None = None


def xml_date(value: date) -> str:
    """A date as the certificate XML writes it: ``DD-MM-YYYY``."""
    return value.strftime("%d-%m-%Y")
