"""eSigning a PDF: a PAdES signature pyHanko accepts, with a visible stamp."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from PIL import Image, ImageDraw
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter

from services.clock import FrozenClock
from services.documents.keys import IssuerKeyStore
from services.documents.pdf import render_pdf
from services.documents.pdf_signing import sign_pdf
from services.errors import FileDamaged, FileEncrypted, NotSignable
from services.esign.ca import LockerCA
from services.esign.signing import esign_pdf, stamp_date
from services.esign.verify import verify_pdf
from tests.documents.samples import marksheet
from tests.esign.conftest import SIGNED_AT, ESign
from tests.esign.samples import (
    TENANT,
    TENANT_ACCOUNT,
    page_texts,
    stamp_boxes,
    stamp_lines,
)


def test_pyhankos_validator_accepts_the_signature_with_the_locker_ca(
    signed_agreement: bytes, ca: LockerCA
) -> None:
    status = _validate(signed_agreement, ca)

    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_pyhankos_validator_does_not_trust_another_ca(
    signed_agreement: bytes, other_ca: LockerCA
) -> None:
    status = _validate(signed_agreement, other_ca)

    assert status.intact
    assert not status.trusted
    assert not status.bottom_line


def test_signature_is_pades_and_says_self_attested(signed_agreement: bytes) -> None:
    signature = _signature_dictionary(signed_agreement)

    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature["/Reason"] == "Self-attested"


def test_signer_certificate_is_the_residents_and_carries_the_ca(
    signed_agreement: bytes, ca: LockerCA
) -> None:
    status = _validate(signed_agreement, ca)

    embedded = PdfFileReader(BytesIO(signed_agreement)).embedded_signatures[0]
    carried = {certificate.dump() for certificate in embedded.other_embedded_certs}
    subject = status.signing_cert.subject.native
    assert subject["common_name"] == TENANT
    assert subject["user_id"] == TENANT_ACCOUNT
    assert _der(ca.certificate_pem) in carried


def test_signing_time_is_the_frozen_clocks(
    esign: ESign, agreement: bytes, ca: LockerCA, clock: FrozenClock
) -> None:
    clock.advance(3600)

    signed = esign(agreement, signed_at=clock.now())

    status = _validate(signed, ca)
    assert status.signer_reported_dt == datetime(2026, 3, 14, 11, 30, tzinfo=UTC)
    assert _signature_dictionary(signed)["/M"] == "D:20260314113000Z"


def test_stamp_on_the_last_page_names_the_resident_and_the_date(
    signed_agreement: bytes,
) -> None:
    assert stamp_lines(signed_agreement) == [
        "Self-attested by Anjali Deshmukh on 14 Mar 2026"
    ]


def test_stamp_sits_small_in_the_bottom_right_corner(
    signed_agreement: bytes,
) -> None:
    page = PdfReader(BytesIO(signed_agreement)).pages[-1]

    (box,) = stamp_boxes(signed_agreement)

    page_width, page_height = float(page.mediabox.width), float(page.mediabox.height)
    assert float(box.left) > page_width / 2
    assert float(box.top) < page_height / 8
    assert float(box.width) * float(box.height) < page_width * page_height / 20


def test_stamp_shows_the_date_in_india(esign: ESign, agreement: bytes) -> None:
    late_evening_utc = datetime(2026, 12, 3, 20, 15, tzinfo=UTC)

    signed = esign(agreement, signed_at=late_evening_utc)

    assert stamp_lines(signed) == ["Self-attested by Anjali Deshmukh on 4 Dec 2026"]
    assert stamp_date(datetime(2026, 12, 3, 9, 0, tzinfo=UTC)) == "3 Dec 2026"


def test_original_pages_are_untouched(
    agreement: bytes, signed_agreement: bytes
) -> None:
    assert signed_agreement.startswith(agreement)
    assert page_texts(signed_agreement) == page_texts(agreement)
    assert "Leave and Licence Agreement" in page_texts(signed_agreement)[0]
    assert len(PdfReader(BytesIO(signed_agreement)).pages) == 2


def test_an_esigned_pdf_can_be_esigned_again(
    esign: ESign, signed_agreement: bytes, ca: LockerCA
) -> None:
    signed_twice = esign(
        signed_agreement,
        holder_name="Ramesh Vasant Kulkarni",
        account_id="0c9d7e51-8a36-4f0b-b2e4-19f3d5a7c860",
    )

    first, second = PdfFileReader(BytesIO(signed_twice)).embedded_signatures
    context = ValidationContext(trust_roots=[_root(ca)], allow_fetching=False)
    earlier = validate_pdf_signature(first, signer_validation_context=context)
    later = validate_pdf_signature(second, signer_validation_context=context)
    assert signed_twice.startswith(signed_agreement)
    assert earlier.intact
    assert earlier.valid
    assert earlier.trusted
    assert earlier.docmdp_ok
    assert later.bottom_line
    assert later.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert stamp_lines(signed_twice) == [
        "Self-attested by Anjali Deshmukh on 14 Mar 2026",
        "Self-attested by Ramesh Vasant Kulkarni on 14 Mar 2026",
    ]
    lower, upper = stamp_boxes(signed_twice)
    assert upper.bottom > lower.top


@pytest.mark.parametrize(
    ("holder_name", "stamped"),
    [
        ("Śrīnivās Rāghavan", "Self-attested by Srinivas Raghavan on 14 Mar 2026"),
        # A phone keyboard's apostrophe (U+2019), which Courier's encoding lacks.
        ("Zoë D\u2019Souza", "Self-attested by Zoë D'Souza on 14 Mar 2026"),
        (
            "अनीता शर्मा",
            "Self-attested on 14 Mar 2026 by the signer named in the digital signature",
        ),
    ],
)
def test_names_the_stamp_font_cannot_draw_fall_back_and_stay_whole_in_the_certificate(
    esign: ESign, agreement: bytes, ca: LockerCA, holder_name: str, stamped: str
) -> None:
    signed = esign(agreement, holder_name=holder_name)

    assert stamp_lines(signed) == [stamped]
    status = _validate(signed, ca)
    assert status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == holder_name


def test_a_long_name_wraps_inside_the_stamp(esign: ESign, agreement: bytes) -> None:
    signed = esign(
        agreement, holder_name="Venkata Lakshmi Narasimha Subrahmanya Sastry"
    )

    assert stamp_lines(signed) == [
        "Self-attested by Venkata Lakshmi Narasimha Subrahmanya Sastry on 14 Mar 2026"
    ]


def test_issued_pdf_certified_against_any_change_is_not_signable(
    esign: ESign, tmp_path: Path
) -> None:
    keys = IssuerKeyStore(tmp_path, generate=True)
    document = marksheet()
    issued = sign_pdf(
        render_pdf(document, uri=document.uri),
        keys.key_for("in.gov.cbse", "Central Board of Secondary Education"),
        reason="Issued by Central Board of Secondary Education",
        location="Delhi",
    )

    with pytest.raises(NotSignable, match="certified"):
        esign(issued)


def test_password_protected_pdf_is_refused(esign: ESign, agreement: bytes) -> None:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(agreement)))
    writer.encrypt(user_password="kothrud302", algorithm="AES-256")
    locked = BytesIO()
    writer.write(locked)

    with pytest.raises(FileEncrypted):
        esign(locked.getvalue())


def test_scan_saved_as_pdf_by_pillow_can_be_esigned(esign: ESign, ca: LockerCA) -> None:
    # Pillow, like several scanner apps, heads its free list with generation
    # 65535 ("0000000000 65536 f"), which pyHanko's strict mode refuses.
    page = Image.new("L", (1240, 1754), 250)
    ImageDraw.Draw(page).text((100, 100), "Rent receipt, March 2026", fill=20)
    scan = BytesIO()
    page.save(scan, format="PDF", resolution=150)

    signed = esign(scan.getvalue())

    assert _validate(signed, ca).bottom_line
    assert verify_pdf(signed, ca_certificate_pem=ca.certificate_pem).valid
    assert stamp_lines(signed) == ["Self-attested by Anjali Deshmukh on 14 Mar 2026"]


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_pdf_is_damaged(esign: ESign, agreement: bytes, keep: float) -> None:
    with pytest.raises(FileDamaged):
        esign(agreement[: int(len(agreement) * keep)])


def test_file_that_is_not_a_pdf_is_damaged(esign: ESign) -> None:
    with pytest.raises(FileDamaged):
        esign(b"%PDF-1.7\nthis is a photo renamed to .pdf")


def test_signed_file_is_written_to_any_writable_stream(
    tmp_path: Path, agreement: bytes, ca: LockerCA
) -> None:
    source = tmp_path / "agreement.pdf"
    source.write_bytes(agreement)
    target = tmp_path / "agreement.esigned.pdf"

    with target.open("wb") as output:
        esign_pdf(
            source,
            output,
            ca=ca,
            holder_name=TENANT,
            account_id=TENANT_ACCOUNT,
            signed_at=SIGNED_AT,
        )

    assert _validate(target.read_bytes(), ca).bottom_line


def test_naive_signing_time_is_a_programming_error(
    esign: ESign, agreement: bytes
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        esign(agreement, signed_at=SIGNED_AT.replace(tzinfo=None))


def _validate(pdf: bytes, ca: LockerCA) -> PdfSignatureStatus:
    # Not strict, as the locker reads residents' own PDFs.
    (signature,) = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
    context = ValidationContext(trust_roots=[_root(ca)], allow_fetching=False)
    status: PdfSignatureStatus = validate_pdf_signature(
        signature, signer_validation_context=context
    )
    return status


def _root(ca: LockerCA) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(_der(ca.certificate_pem))


def _der(certificate_pem: bytes) -> bytes:
    _, _, der = pem.unarmor(certificate_pem)
    return bytes(der)


def _signature_dictionary(pdf: bytes) -> dict[str, object]:
    (signature,) = PdfFileReader(BytesIO(pdf)).embedded_signatures
    return {key: signature.sig_object[key] for key in signature.sig_object}
