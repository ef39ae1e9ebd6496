"""The certificate schema and the hardened parser."""

from __future__ import annotations

import time

import pytest
from lxml import etree

from adapters.sdk import DocumentStatus, Person, StandardDocument, node
from adapters.sdk.errors import AdapterError
from adapters.sdk.schema import CertificateInvalid, safe_parse, validate_certificate
from adapters.sdk.xml import build_certificate, certificate_bytes
from tests.documents.samples import (
    driving_licence,
    marksheet,
    pan_record,
    registration,
    unknown_issuer_document,
)


@pytest.mark.parametrize(
    "doc",
    [
        marksheet(),
        driving_licence(),
        registration(),
        pan_record(),
        pan_record(element="PAN"),
        driving_licence(status=DocumentStatus.EXPIRED),
    ],
    ids=["marksheet", "licence", "registration", "pan", "pan-element", "expired"],
)
def test_schema_accepts_the_documents_the_builder_makes(doc: StandardDocument) -> None:
    root = build_certificate(doc)

    validate_certificate(root)


def test_schema_accepts_the_same_certificate_given_as_bytes() -> None:
    data = certificate_bytes(registration())

    validate_certificate(data)


def test_schema_refuses_an_unknown_attribute_on_a_subject() -> None:
    root = build_certificate(marksheet())
    subject = root.find("CertificateData/Performance/Subjects/Subject")
    assert subject is not None
    subject.set("bonusMarks", "5")

    with pytest.raises(CertificateInvalid) as refused:
        validate_certificate(root)

    assert "bonusMarks" in refused.value.message
    assert refused.value.reasons[0].startswith(
        "/Certificate/CertificateData/Performance/Subjects/Subject"
    )


def test_schema_refuses_a_date_not_written_day_month_year() -> None:
    root = build_certificate(driving_licence())
    root.set("expiryDate", "2038-07-20")

    with pytest.raises(CertificateInvalid) as refused:
        validate_certificate(root)

    assert "expiryDate" in refused.value.message


def test_schema_refuses_an_impossible_month() -> None:
    root = build_certificate(pan_record())
    record = root.find("CertificateData/PANVerificationRecord")
    assert record is not None
    record.set("lastUpdated", "18-13-2021")

    with pytest.raises(CertificateInvalid):
        validate_certificate(root)


def test_schema_refuses_a_status_letter_it_does_not_know() -> None:
    root = build_certificate(marksheet())
    root.set("status", "X")

    with pytest.raises(CertificateInvalid) as refused:
        validate_certificate(root)

    assert "status" in refused.value.message


def test_schema_refuses_a_person_without_a_name() -> None:
    doc = marksheet(issued_to=Person(name=""))

    with pytest.raises(CertificateInvalid) as refused:
        validate_certificate(build_certificate(doc))

    assert "/Certificate/IssuedTo/Person" in refused.value.message
    assert "name" in refused.value.message


def test_schema_refuses_a_malformed_pan() -> None:
    root = build_certificate(pan_record(element="PAN"))
    record = root.find("CertificateData/PAN")
    assert record is not None
    record.set("num", "AKZPK48210")

    with pytest.raises(CertificateInvalid):
        validate_certificate(root)


def test_schema_refuses_a_licence_class_without_its_abbreviation() -> None:
    doc = driving_licence(
        data=(node("DrivingLicense", code="NT", validTo="20-07-2038"),)
    )

    with pytest.raises(CertificateInvalid):
        validate_certificate(build_certificate(doc))


def test_schema_passes_an_unknown_issuers_elements_unchecked() -> None:
    doc = unknown_issuer_document()

    validate_certificate(build_certificate(doc))


def test_schema_still_checks_known_elements_next_to_unknown_ones() -> None:
    doc = unknown_issuer_document(
        node("BirthRecord", registrationNo="2003/BR/99812"),
        node("School", name="Sunrise Public School", medium="English"),
    )

    with pytest.raises(CertificateInvalid) as refused:
        validate_certificate(build_certificate(doc))

    assert "medium" in refused.value.message


def test_schema_refuses_a_document_whose_root_is_not_a_certificate() -> None:
    school = etree.fromstring(b'<School name="Sunrise Public School"/>')

    with pytest.raises(CertificateInvalid) as refused:
        validate_certificate(school)

    assert "Certificate" in refused.value.message


def test_schema_refuses_sections_out_of_order() -> None:
    root = build_certificate(marksheet())
    issued_to = root.find("IssuedTo")
    assert issued_to is not None
    root.remove(issued_to)
    root.append(issued_to)

    with pytest.raises(CertificateInvalid):
        validate_certificate(root)


def test_schema_location_hints_in_the_document_are_ignored() -> None:
    root = build_certificate(marksheet())
    root.set(
        "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation",
        "http://203.0.113.9/permissive.xsd",
    )
    root.set("status", "X")

    with pytest.raises(CertificateInvalid) as refused:
        validate_certificate(root)

    assert "status" in refused.value.message


def test_refusal_is_an_adapter_error_with_a_stable_code() -> None:
    root = build_certificate(marksheet())
    root.set("status", "X")

    with pytest.raises(AdapterError) as refused:
        validate_certificate(root)

    assert refused.value.code == "CERTIFICATE_INVALID"


def test_refusal_lists_only_the_first_few_problems() -> None:
    root = build_certificate(marksheet())
    for subject in root.iterfind("CertificateData/Performance/Subjects/Subject"):
        subject.set("bonusMarks", "5")
    root.set("status", "X")

    with pytest.raises(CertificateInvalid) as refused:
        validate_certificate(root)

    assert len(refused.value.reasons) == 5
    assert refused.value.message.endswith("(and more)")


def test_safe_parse_reads_ordinary_xml() -> None:
    root = safe_parse(certificate_bytes(marksheet()))

    assert root.tag == "Certificate"


def test_safe_parse_refuses_any_doctype() -> None:
    data = b'<!DOCTYPE Certificate><Certificate name="x" type="A" status="A"/>'

    with pytest.raises(CertificateInvalid) as refused:
        safe_parse(data)

    assert "DOCTYPE" in refused.value.message


def test_safe_parse_refuses_an_entity_bomb_without_expanding_it() -> None:
    entities = "".join(
        f'<!ENTITY e{level} "{("&e" + str(level - 1) + ";") * 10}">'
        for level in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE bomb [<!ENTITY e0 "laugh">{entities}]>'
        "<bomb>&e9;</bomb>"
    ).encode()
    started = time.monotonic()

    with pytest.raises(CertificateInvalid):
        safe_parse(data)

    assert time.monotonic() - started < 1.0


def test_safe_parse_refuses_an_external_entity_without_reading_it() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY secret SYSTEM '
        b'"file:///etc/hostname">]><c>&secret;</c>'
    )

    with pytest.raises(CertificateInvalid) as refused:
        safe_parse(data)

    assert "DOCTYPE" in refused.value.message


def test_safe_parse_refuses_an_external_dtd() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE c SYSTEM "http://203.0.113.9/c.dtd"><c/>'

    with pytest.raises(CertificateInvalid):
        safe_parse(data)


def test_safe_parse_refuses_input_over_the_size_limit() -> None:
    data = certificate_bytes(marksheet())

    with pytest.raises(CertificateInvalid) as refused:
        safe_parse(data, max_bytes=len(data) - 1)

    assert "bytes" in refused.value.message


def test_safe_parse_refuses_xml_that_is_not_well_formed() -> None:
    with pytest.raises(CertificateInvalid) as refused:
        safe_parse(b"<Certificate><IssuedBy></Certificate>")

    assert "not well-formed" in refused.value.message


def test_validate_certificate_parses_bytes_with_the_hardened_parser() -> None:
    data = b'<!DOCTYPE Certificate [<!ENTITY n "x">]><Certificate name="&n;"/>'

    with pytest.raises(CertificateInvalid) as refused:
        validate_certificate(data)

    assert "DOCTYPE" in refused.value.message
