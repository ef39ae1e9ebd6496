"""From an issuer's certificate XML to the locker's standard document.

A DigiLocker issuer's ``DataContent`` is already the certificate XML the
standard representation mirrors, so the translation is direct: the root's
attributes become the document's, ``IssuedBy/Organization`` and
``IssuedTo/Person`` their SDK counterparts, and ``CertificateData`` is carried
over as a ``DataNode`` tree, element by element and attribute by attribute.
Only unqualified elements and attributes are carried (the certificate XML
uses no namespace; anything namespaced is another vocabulary the schema does
not know), and text inside ``CertificateData`` elements, which the shape does
not use, is left out. The PDF then lays the tree out generically.

The issuer's own bytes travel beside the translation, untouched, in
``DigiLockerDocument``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from adapters.digilocker.errors import AnswerInvalid, AnswerProblem
from adapters.digilocker.response import issuer_date, issuer_gender
from adapters.sdk import (
    Address,
    DataNode,
    DocumentStatus,
    Organization,
    OrganizationType,
    Person,
    Photo,
    StandardDocument,
)

_PHOTO_FORMATS = frozenset({"RAW", "PNG", "JPG", "JPEG"})
_ADDRESS_PARTS = (
    "type",
    "line1",
    "line2",
    "house",
    "landmark",
    "locality",
    "vtc",
    "district",
    "pin",
    "state",
    "country",
)


@dataclass(frozen=True)
class DigiLockerDocument(StandardDocument):
    """A standard document that also keeps what the issuer sent, byte for byte.

    ``issuer_xml`` is the decoded ``DataContent`` exactly as received (its
    signature, when it has one, still verifies against the issuer's
    certificate); ``issuer_pdf`` the decoded ``DocContent``, when the issuer
    sent one. ``signature_verified`` says whether ``issuer_xml``'s signature
    was checked against the configured certificate.
    """

    issuer_pdf: bytes | None = None
    signature_verified: bool = False


@dataclass(frozen=True)
class IssuerOriginal:
    """The issuer's own files for one document, kept as they arrived."""

    xml: bytes
    pdf: bytes | None
    signature_verified: bool


def standard_document(
    certificate: etree._Element,
    *,
    uri: str,
    doc_type: str,
    default_name: str,
    organization: Organization,
    original: IssuerOriginal,
    fetched_at: datetime,
) -> DigiLockerDocument:
    """Translate a (verified) ``Certificate`` element.

    ``organization`` stands in when the certificate names no issuer. Raises
    ``AnswerInvalid`` when the certificate is for another doc type, has no
    holder, or carries a status letter outside A, E, R, S.
    """
    declared_type = certificate.get("type", "").strip()
    if declared_type != doc_type:
        raise AnswerInvalid(
            AnswerProblem.SHAPE,
            f"the certificate is of type {declared_type[:10]!r}, not {doc_type}",
        )

    return DigiLockerDocument(
        uri=uri,
        doc_type=doc_type,
        name=_attribute(certificate, "name") or default_name,
        number=_attribute(certificate, "number"),
        prev_number=_attribute(certificate, "prevNumber"),
        issued_at=_attribute(certificate, "issuedAt"),
        language=_attribute(certificate, "language") or "99",
        issue_date=issuer_date(certificate.get("issueDate")),
        valid_from=issuer_date(certificate.get("validFromDate")),
        expiry_date=issuer_date(certificate.get("expiryDate")),
        status=_status(certificate.get("status")),
        issued_by=_organization(certificate, organization),
        issued_to=_person(certificate),
        data=_data(certificate),
        fetched_at=fetched_at,
        issuer_xml=original.xml,
        issuer_pdf=original.pdf,
        signature_verified=original.signature_verified,
    )


def _status(letter: str | None) -> DocumentStatus:
    # DigiLocker files often leave the status out: such a document is active.
    text = (letter or "").strip() or DocumentStatus.ACTIVE.value
    try:
        return DocumentStatus(text)
    except ValueError:
        raise AnswerInvalid(
            AnswerProblem.SHAPE, f"certificate status {text[:10]!r} is not A, E, R or S"
        ) from None


def _organization(certificate: etree._Element, default: Organization) -> Organization:
    element = _only(_only(certificate, "IssuedBy"), "Organization")
    if element is None or not _attribute(element, "name"):
        return default

    kind = _attribute(element, "type")
    return Organization(
        name=_attribute(element, "name"),
        code=_attribute(element, "code"),
        tin=_attribute(element, "tin"),
        uid=_attribute(element, "uid"),
        type=OrganizationType(kind) if kind in {"CG", "SG", "NG"} else default.type,
        address=_address(_only(element, "Address")),
    )


def _person(certificate: etree._Element) -> Person:
    element = _only(_only(certificate, "IssuedTo"), "Person")
    if element is None or not _attribute(element, "name"):
        raise AnswerInvalid(AnswerProblem.SHAPE, "the certificate names no holder")

    return Person(
        name=_attribute(element, "name"),
        dob=issuer_date(element.get("dob")),
        gender=issuer_gender(element.get("gender")),
        title=_attribute(element, "title"),
        mother_name=_attribute(element, "motherName"),
        father_name=_attribute(element, "fatherName"),
        category=_attribute(element, "category"),
        phone=_attribute(element, "phone"),
        email=_attribute(element, "email"),
        address=_address(_only(element, "Address")),
        photo=_photo(_only(element, "Photo")),
    )


def _address(element: etree._Element | None) -> Address | None:
    if element is None:
        return None
    parts = {part: _attribute(element, part) for part in _ADDRESS_PARTS}
    if not any(parts.values()):
        return None
    return Address(**{**parts, "country": parts["country"] or "IN"})


def _photo(element: etree._Element | None) -> Photo | None:
    text = "" if element is None else "".join((element.text or "").split())
    if element is None or not text:
        return None
    photo_format = _attribute(element, "format").upper() or "JPG"
    if photo_format not in _PHOTO_FORMATS:
        return None
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AnswerInvalid(
            AnswerProblem.SHAPE, "the holder's photograph is not base64"
        ) from None
    return Photo(format=photo_format, content=content)


def _data(certificate: etree._Element) -> tuple[DataNode, ...]:
    element = _only(certificate, "CertificateData")
    if element is None:
        return ()
    return tuple(_node(child) for child in _elements(element))


def _node(element: etree._Element) -> DataNode:
    attributes = {
        str(name): str(value)
        for name, value in element.attrib.items()
        if "{" not in str(name) and value
    }
    return DataNode(
        tag=str(element.tag),
        attributes=attributes,
        children=tuple(_node(child) for child in _elements(element)),
    )


def _elements(parent: etree._Element) -> list[etree._Element]:
    """Unqualified child elements; comments, PIs and namespaced ones left out."""
    return [
        child
        for child in parent
        if isinstance(child.tag, str) and not child.tag.startswith("{")
    ]


def _only(parent: etree._Element | None, tag: str) -> etree._Element | None:
    if parent is None:
        return None
    found = [child for child in _elements(parent) if child.tag == tag]
    if len(found) > 1:
        raise AnswerInvalid(
            AnswerProblem.SHAPE, f"the certificate has {len(found)} {tag} elements"
        )
    return found[0] if found else None


def _attribute(element: etree._Element, name: str) -> str:
    return (element.get(name) or "").strip()
