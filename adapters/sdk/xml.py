"""The standard certificate XML, built from a ``StandardDocument``.

The shape is DigiLocker's certificate XML (see ``certificate.xsd`` beside this
module): a ``Certificate`` root with ``IssuedBy``, ``IssuedTo`` and
``CertificateData``, no namespace on any of them. The root also carries the
document's URI as the attribute ``uri``, which DigiLocker files lack and the
project's schema allows. Empty values are left out rather than written as
empty attributes.

The tree is built with lxml's element API only; the locker validates it
(``adapters.sdk.schema``) and signs it afterwards.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date

from lxml import etree

from adapters.sdk.document import (
    Address,
    DataNode,
    Organization,
    Person,
    StandardDocument,
    xml_date,
)


def build_certificate(doc: StandardDocument) -> etree._Element:
    """Build the unsigned ``Certificate`` element for ``doc``."""
    root = etree.Element("Certificate")
    _set_attributes(
        root,
        {
            "language": doc.language,
            "name": doc.name,
            "type": doc.doc_type,
            "number": doc.number,
            "prevNumber": doc.prev_number,
            "issuedAt": doc.issued_at,
            "issueDate": _date(doc.issue_date),
            "validFromDate": _date(doc.valid_from),
            "expiryDate": _date(doc.expiry_date),
            "status": doc.status.value,
            "uri": doc.uri,
        },
    )

    issued_by = etree.SubElement(root, "IssuedBy")
    _append_organization(issued_by, doc.issued_by)

    issued_to = etree.SubElement(root, "IssuedTo")
    _append_person(issued_to, doc.issued_to)

    certificate_data = etree.SubElement(root, "CertificateData")
    for data_node in doc.data:
        _append_data_node(certificate_data, data_node)

    return root


def certificate_bytes(doc: StandardDocument) -> bytes:
    """The unsigned certificate XML for ``doc`` as UTF-8 with an XML declaration."""
    return etree.tostring(
        build_certificate(doc), xml_declaration=True, encoding="UTF-8"
    )


def _append_organization(parent: etree._Element, organization: Organization) -> None:
    element = etree.SubElement(parent, "Organization")
    _set_attributes(
        element,
        {
            "name": organization.name,
            "code": organization.code,
            "tin": organization.tin,
            "uid": organization.uid,
            "type": organization.type.value,
        },
    )
    if organization.address is not None:
        _append_address(element, organization.address)


def _append_person(parent: etree._Element, person: Person) -> None:
    element = etree.SubElement(parent, "Person")
    _set_attributes(
        element,
        {
            "title": person.title,
            "name": person.name,
            "dob": _date(person.dob),
            "gender": person.gender.value if person.gender is not None else "",
            "motherName": person.mother_name,
            "fatherName": person.father_name,
            "category": person.category,
            "phone": person.phone,
            "email": person.email,
        },
    )

    if person.address is not None:
        _append_address(element, person.address)
    if person.photo is not None and person.photo.content:
        photo = etree.SubElement(element, "Photo")
        _set_attributes(photo, {"format": person.photo.format.upper()})
        photo.text = base64.b64encode(person.photo.content).decode("ascii")


def _append_address(parent: etree._Element, address: Address) -> None:
    element = etree.SubElement(parent, "Address")
    _set_attributes(
        element,
        {
            "type": address.type,
            "line1": address.line1,
            "line2": address.line2,
            "house": address.house,
            "landmark": address.landmark,
            "locality": address.locality,
            "vtc": address.vtc,
            "district": address.district,
            "pin": address.pin,
            "state": address.state,
            "country": address.country,
        },
    )


def _append_data_node(parent: etree._Element, data_node: DataNode) -> None:
    element = etree.SubElement(parent, data_node.tag)
    _set_attributes(element, data_node.attributes)
    for child in data_node.children:
        _append_data_node(element, child)


def _set_attributes(element: etree._Element, attributes: Mapping[str, str]) -> None:
    # Attributes are set one by one, in the order given, so that the output
    # reads in the same order as DigiLocker's files; empty values are omitted.
    for name, value in attributes.items():
        if value:
            element.set(name, value)


def _date(value: date | None) -> str:
    return xml_date(value) if value is not None else ""
