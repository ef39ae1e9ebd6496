"""Verifying a self-attested PDF: valid only as the resident signed it."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfWriter

from services.esign.ca import LockerCA
from services.esign.verify import verify_pdf
from tests.esign.conftest import SIGNED_AT, ESign
from tests.esign.samples import TENANT, TENANT_ACCOUNT


def test_self_attested_pdf_is_valid_and_names_the_resident(
    signed_agreement: bytes, ca: LockerCA
) -> None:
    verdict = verify_pdf(signed_agreement, ca_certificate_pem=ca.certificate_pem)

    assert verdict.valid
    assert verdict.reasons == []
    assert verdict.signer_name == TENANT
    assert verdict.signer_account_id == TENANT_ACCOUNT
    assert verdict.signed_at == SIGNED_AT
    assert verdict.intact
    assert verdict.trusted
    assert verdict.covers_whole_document
    assert verdict.signature_count == 1
    assert verdict.warnings == []


def test_a_file_object_is_read_like_bytes(
    signed_agreement: bytes, ca: LockerCA
) -> None:
    verdict = verify_pdf(
        BytesIO(signed_agreement), ca_certificate_pem=ca.certificate_pem
    )

    assert verdict.valid


def test_pdf_signed_under_another_ca_is_not_valid(
    signed_agreement: bytes, other_ca: LockerCA
) -> None:
    verdict = verify_pdf(signed_agreement, ca_certificate_pem=other_ca.certificate_pem)

    assert not verdict.valid
    assert verdict.intact
    assert not verdict.trusted
    assert verdict.reasons == [
        "The signature was not made with a certificate from this locker."
    ]


def test_changing_one_byte_of_the_signed_content_is_detected(
    agreement: bytes, signed_agreement: bytes, ca: LockerCA
) -> None:
    inside_a_page_stream = agreement.index(b"\nstream\n") + 20
    tampered = bytearray(signed_agreement)
    tampered[inside_a_page_stream] ^= 0x01

    verdict = verify_pdf(bytes(tampered), ca_certificate_pem=ca.certificate_pem)

    assert not verdict.valid
    assert not verdict.intact
    assert verdict.reasons == ["The signed content was changed after signing."]


def test_an_unsigned_update_appended_after_signing_is_refused(
    signed_agreement: bytes, ca: LockerCA
) -> None:
    writer = PdfWriter(BytesIO(signed_agreement), incremental=True)
    writer.add_metadata({"/Title": "Leave and Licence (rent Rs 15,000)"})
    updated = BytesIO()
    writer.write(updated)

    verdict = verify_pdf(updated.getvalue(), ca_certificate_pem=ca.certificate_pem)

    assert not verdict.valid
    assert verdict.intact
    assert not verdict.covers_whole_document
    assert verdict.reasons == ["Content was added to the PDF after it was signed."]


def test_twice_signed_pdf_is_judged_by_its_last_signature(
    esign: ESign, signed_agreement: bytes, ca: LockerCA
) -> None:
    signed_twice = esign(signed_agreement, holder_name="Ramesh Vasant Kulkarni")

    verdict = verify_pdf(signed_twice, ca_certificate_pem=ca.certificate_pem)

    assert verdict.valid
    assert verdict.signer_name == "Ramesh Vasant Kulkarni"
    assert verdict.signature_count == 2
    assert verdict.warnings == []


def test_a_broken_earlier_signature_is_reported_as_a_warning(
    esign: ESign, agreement: bytes, signed_agreement: bytes, ca: LockerCA
) -> None:
    broken = bytearray(signed_agreement)
    broken[agreement.index(b"\nstream\n") + 20] ^= 0x01
    signed_after_breakage = esign(bytes(broken), holder_name="Ramesh Vasant Kulkarni")

    verdict = verify_pdf(signed_after_breakage, ca_certificate_pem=ca.certificate_pem)

    assert verdict.valid
    assert verdict.warnings == [
        "Signature 1 of 2, made before the last, no longer matches what it signed."
    ]


def test_pdf_without_a_signature_is_not_valid(agreement: bytes, ca: LockerCA) -> None:
    verdict = verify_pdf(agreement, ca_certificate_pem=ca.certificate_pem)

    assert not verdict.valid
    assert verdict.signature_count == 0
    assert verdict.reasons == ["The PDF carries no signature."]


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"\xff\xd8\xff\xe0 a JPEG renamed to .pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
    ],
)
def test_bytes_that_are_not_a_pdf_are_not_valid(garbage: bytes, ca: LockerCA) -> None:
    verdict = verify_pdf(garbage, ca_certificate_pem=ca.certificate_pem)

    assert not verdict.valid
    assert verdict.reasons == ["The file is not a readable PDF."]


def test_a_ca_certificate_that_is_not_pem_is_a_programming_error(
    signed_agreement: bytes,
) -> None:
    with pytest.raises(ValueError, match="PEM"):
        verify_pdf(signed_agreement, ca_certificate_pem=b"not a certificate")
