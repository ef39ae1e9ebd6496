"""The PDF's PAdES signature: valid with the issuer's certificate, and only then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader, PdfWriter

from services.documents.keys import IssuerKey
from services.documents.pdf import render_pdf
from services.documents.pdf_signing import SIGNATURE_FIELD, sign_pdf, verify_pdf
from tests.documents.samples import marksheet


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    doc = marksheet()
    return render_pdf(doc, uri=doc.uri)


@pytest.fixture(scope="module")
def signed(unsigned: bytes, cbse_key: IssuerKey) -> bytes:
    return sign_pdf(
        unsigned,
        cbse_key,
        reason="Issued by Central Board of Secondary Education",
        location="Delhi",
    )


def test_signed_pdf_validates_with_the_issuers_certificate(
    signed: bytes, cbse_key: IssuerKey
) -> None:
    verdict = verify_pdf(signed, cbse_key.certificate_pem)

    assert verdict.valid
    assert verdict.intact
    assert verdict.trusted
    assert verdict.reasons == []
    assert verdict.signer == "Central Board of Secondary Education"
    assert verdict.signed_at is not None
    assert abs(datetime.now(UTC) - verdict.signed_at) < timedelta(minutes=10)


def test_signing_appends_to_the_original_pdf(unsigned: bytes, signed: bytes) -> None:
    assert signed.startswith(unsigned)
    assert len(signed) > len(unsigned)


def test_signature_is_pades_in_the_issuer_signature_field(signed: bytes) -> None:
    reader = PdfReader(BytesIO(signed))

    fields = reader.get_fields() or {}

    assert SIGNATURE_FIELD == "IssuerSignature"
    signature = fields[SIGNATURE_FIELD].value
    assert signature is not None
    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature["/Reason"] == "Issued by Central Board of Secondary Education"
    assert signature["/Location"] == "Delhi"


def test_signed_pdf_still_reads_the_same(signed: bytes) -> None:
    text = PdfReader(BytesIO(signed)).pages[0].extract_text()

    assert "Aarav Sharma" in text


def test_signed_pdf_is_refused_with_another_certificate(
    signed: bytes, other_key: IssuerKey
) -> None:
    verdict = verify_pdf(signed, other_key.certificate_pem)

    assert not verdict.valid
    assert verdict.intact
    assert not verdict.trusted
    assert verdict.reasons == ["The signer is not the issuer's trusted certificate."]


def test_pdf_signed_by_another_key_is_refused(
    unsigned: bytes, cbse_key: IssuerKey, other_key: IssuerKey
) -> None:
    forged = sign_pdf(unsigned, other_key, reason="Issued", location="Delhi")

    verdict = verify_pdf(forged, cbse_key.certificate_pem)

    assert not verdict.valid
    assert not verdict.trusted


def test_changing_one_byte_of_the_signed_content_is_detected(
    unsigned: bytes, signed: bytes, cbse_key: IssuerKey
) -> None:
    inside_a_page_stream = unsigned.rindex(b"\nstream\n") + 20
    tampered = bytearray(signed)
    tampered[inside_a_page_stream] ^= 0x01

    verdict = verify_pdf(bytes(tampered), cbse_key.certificate_pem)

    assert not verdict.valid
    assert not verdict.intact
    assert verdict.reasons == ["The signed content was changed after signing."]


def test_pages_added_after_signing_are_refused(
    signed: bytes, cbse_key: IssuerKey
) -> None:
    writer = PdfWriter(BytesIO(signed), incremental=True)
    writer.add_blank_page()
    updated = BytesIO()
    writer.write(updated)

    verdict = verify_pdf(updated.getvalue(), cbse_key.certificate_pem)

    assert not verdict.valid
    assert verdict.intact
    assert verdict.reasons == ["Content was added to the PDF after it was signed."]


def test_metadata_rewritten_after_signing_is_refused(
    signed: bytes, cbse_key: IssuerKey
) -> None:
    writer = PdfWriter(BytesIO(signed), incremental=True)
    writer.add_metadata({"/Title": "Class XII Marksheet (corrected)"})
    updated = BytesIO()
    writer.write(updated)

    verdict = verify_pdf(updated.getvalue(), cbse_key.certificate_pem)

    assert not verdict.valid


def test_unsigned_pdf_is_refused(unsigned: bytes, cbse_key: IssuerKey) -> None:
    verdict = verify_pdf(unsigned, cbse_key.certificate_pem)

    assert not verdict.valid
    assert verdict.reasons == ["The PDF carries no issuer signature."]


def test_file_that_is_not_a_pdf_is_refused(cbse_key: IssuerKey) -> None:
    verdict = verify_pdf(b"%PDF-1.7 this is not really a PDF", cbse_key.certificate_pem)

    assert not verdict.valid
    assert verdict.reasons == ["The file is not a readable PDF."]
