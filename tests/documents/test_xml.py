"""The certificate XML builder: DigiLocker's shape and attribute names."""

from __future__ import annotations

import base64
from dataclasses import replace

from lxml import etree

from adapters.sdk.xml import build_certificate, certificate_bytes
from tests.documents.samples import CBSE, driving_licence, marksheet, registration


def test_root_carries_the_document_attributes_under_digilocker_names() -> None:
    doc = marksheet()

    root = build_certificate(doc)

    assert root.tag == "Certificate"
    assert dict(root.attrib.items()) == {
        "language": "99",
        "name": "Class XII Marksheet",
        "type": "HSCER",
        "number": "26104518",
        "issuedAt": "DELHI EAST",
        "issueDate": "13-05-2024",
        "status": "A",
        "uri": "in.gov.cbse-HSCER-202426104518",
    }


def test_root_writes_every_date_as_day_month_year() -> None:
    doc = driving_licence()

    root = build_certificate(doc)

    assert root.get("issueDate") == "04-08-2016"
    assert root.get("validFromDate") == "04-08-2016"
    assert root.get("expiryDate") == "20-07-2038"


def test_empty_values_are_left_out_rather_than_written_empty() -> None:
    doc = marksheet(prev_number="", expiry_date=None)

    root = build_certificate(doc)

    assert "prevNumber" not in root.attrib
    assert "expiryDate" not in root.attrib
    person = root.find("IssuedTo/Person")
    assert person is not None
    assert "email" not in person.attrib
    assert all(value for element in root.iter() for value in element.attrib.values())


def test_issuer_appears_as_organization_with_its_address() -> None:
    doc = marksheet()

    root = build_certificate(doc)

    organization = root.find("IssuedBy/Organization")
    assert organization is not None
    assert dict(organization.attrib.items()) == {
        "name": "Central Board of Secondary Education",
        "code": "CBSE",
        "type": "CG",
    }
    address = organization.find("Address")
    assert address is not None
    assert address.get("pin") == "110092"
    assert address.get("country") == "IN"


def test_holder_appears_as_person_with_parents_address_and_photo() -> None:
    doc = driving_licence()

    root = build_certificate(doc)

    person = root.find("IssuedTo/Person")
    assert person is not None
    assert person.get("name") == "Rohan Mehta"
    assert person.get("dob") == "21-07-1998"
    assert person.get("gender") == "M"
    assert person.get("fatherName") == "Sanjay Mehta"
    assert [child.tag for child in person] == ["Address", "Photo"]
    photo = person.find("Photo")
    assert photo is not None
    assert photo.get("format") == "PNG"
    assert doc.issued_to.photo is not None
    assert base64.b64decode(photo.text or "") == doc.issued_to.photo.content


def test_certificate_data_holds_the_adapters_tree_in_order() -> None:
    doc = marksheet()

    root = build_certificate(doc)

    data = root.find("CertificateData")
    assert data is not None
    assert [child.tag for child in data] == ["School", "Examination", "Performance"]
    subjects = data.findall("Performance/Subjects/Subject")
    assert [subject.get("name") for subject in subjects][:2] == [
        "ENGLISH CORE",
        "MATHEMATICS",
    ]
    assert subjects[0].get("marksTotal") == "094"


def test_sections_follow_digilocker_order() -> None:
    doc = registration()

    root = build_certificate(doc)

    assert [child.tag for child in root] == ["IssuedBy", "IssuedTo", "CertificateData"]
    vehicle = root.find("CertificateData/VehicleRegistration/Vehicle")
    assert vehicle is not None
    assert vehicle.get("class") == "Motor Car(LMV)"


def test_certificate_elements_carry_no_namespace() -> None:
    doc = registration()

    root = build_certificate(doc)

    assert all(etree.QName(element).namespace is None for element in root.iter())
    assert root.nsmap == {}


def test_certificate_bytes_are_utf8_with_a_declaration() -> None:
    issuer = replace(CBSE, name="केन्द्रीय माध्यमिक शिक्षा बोर्ड")
    doc = marksheet(issued_by=issuer)

    data = certificate_bytes(doc)

    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    parsed = etree.fromstring(data)
    organization = parsed.find("IssuedBy/Organization")
    assert organization is not None
    assert organization.get("name") == "केन्द्रीय माध्यमिक शिक्षा बोर्ड"


def test_markup_in_values_is_escaped_not_interpreted() -> None:
    doc = marksheet(name='Marksheet <Certificate status="R"/> & more')

    data = certificate_bytes(doc)

    parsed = etree.fromstring(data)
    assert parsed.get("name") == 'Marksheet <Certificate status="R"/> & more'
    assert parsed.get("status") == "A"
