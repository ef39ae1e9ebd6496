"""Checking a document someone was handed: signature, issuer, current status.

The issuer here is a school board whose records a test can change after a
marksheet was issued: revoke it, withdraw it, or go down. Aarav Sharma's
marksheet is rendered and signed once per module, as the locker would.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from io import BytesIO
from typing import ClassVar

import anyio
import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from adapters.registry import AdapterRegistry
from adapters.sdk import (
    DocTypeSpec,
    DocumentStatus,
    FindResult,
    Identity,
    IssuerAdapter,
    IssuerUnavailable,
    LookupField,
    Organization,
    RecordNotFound,
    StandardDocument,
    build_certificate,
)
from services.clock import FrozenClock
from services.documents.keys import IssuerKey, IssuerKeyStore
from services.documents.pdf import render_pdf
from services.documents.pdf_signing import sign_pdf
from services.documents.render import DocumentRenderer, RenderedDocument
from services.documents.xml_signing import sign_certificate
from services.errors import (
    EmptyFile,
    FileDamaged,
    FileEncrypted,
    FileTooLarge,
    InvalidUri,
    UnsupportedFileType,
)
from services.verification import DocumentVerifier
from tests.documents.samples import CBSE, marksheet, with_status

PUBLIC_URL = "https://locker.example.gov.in"
CHECKED_AT = datetime(2026, 7, 1, 11, 45, tzinfo=UTC)
URI = "in.gov.cbse-HSCER-202426104518"
BOARD = "Central Board of Secondary Education"


class BoardRecords(IssuerAdapter):
    """A school board's results, which the tests revoke, withdraw or take down."""

    issuer_id: ClassVar[str] = "in.gov.cbse"
    name: ClassVar[str] = BOARD
    organization: ClassVar[Organization] = CBSE
    doc_types: ClassVar[tuple[DocTypeSpec, ...]] = (
        DocTypeSpec(
            code="HSCER",
            name="Class XII Marksheet",
            description="Senior School Certificate Examination marksheet.",
            lookup_fields=(
                LookupField(
                    name="rollNumber",
                    label="Roll number",
                    example="26104518",
                    pattern=r"[0-9]{8}",
                ),
            ),
        ),
    )

    def __init__(self) -> None:
        self.records: dict[str, StandardDocument] = {URI: marksheet()}
        self.down = False
        self.silent = False

    async def find(
        self, doc_type: str, lookup: Mapping[str, str], identity: Identity
    ) -> FindResult:
        raise RecordNotFound("Verification never searches.")

    async def fetch(self, uri: str) -> StandardDocument:
        if self.silent:
            await anyio.Event().wait()
        if self.down:
            raise IssuerUnavailable("The board's results server did not answer.")
        record = self.records.get(uri)
        if record is None:
            raise RecordNotFound("The board has no such marksheet.")
        return record


@pytest.fixture(scope="module")
def renderer(key_store: IssuerKeyStore) -> DocumentRenderer:
    return DocumentRenderer(key_store, public_url=PUBLIC_URL)


@pytest.fixture(scope="module")
def issued(renderer: DocumentRenderer) -> RenderedDocument:
    return renderer.render(marksheet(), issuer_name=BOARD)


@pytest.fixture
def board() -> BoardRecords:
    return BoardRecords()


@pytest.fixture
def verifier(key_store: IssuerKeyStore, board: BoardRecords) -> DocumentVerifier:
    registry = AdapterRegistry([(board, "tests")])
    return DocumentVerifier(registry, key_store, FrozenClock(CHECKED_AT))


def _change(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` with the first ``old`` replaced by ``new``, of the same length."""
    assert old in data
    assert len(old) == len(new)
    return data.replace(old, new, 1)


async def test_issued_certificate_xml_is_authentic(
    verifier: DocumentVerifier, issued: RenderedDocument
) -> None:
    verdict = await verifier.verify_file(issued.xml)

    assert verdict.authentic is True
    assert verdict.signature_valid is True
    assert verdict.status == "ACTIVE"
    assert verdict.uri == URI
    assert verdict.issuer_id == "in.gov.cbse"
    assert verdict.issuer_name == BOARD
    assert verdict.doc_type == "HSCER"
    assert verdict.holder_name == "Aarav Sharma"
    assert verdict.checked_at == CHECKED_AT
    assert any("active" in reason for reason in verdict.reasons)


async def test_issued_pdf_rendition_is_authentic(
    verifier: DocumentVerifier, issued: RenderedDocument
) -> None:
    verdict = await verifier.verify_file(issued.pdf)

    assert verdict.authentic is True
    assert verdict.signature_valid is True
    assert verdict.status == "ACTIVE"
    assert verdict.uri == URI
    assert verdict.holder_name == "Aarav Sharma"


async def test_marks_changed_in_the_xml_break_its_signature(
    verifier: DocumentVerifier, issued: RenderedDocument
) -> None:
    raised = _change(issued.xml, b'percentage="87.20"', b'percentage="97.20"')

    verdict = await verifier.verify_file(raised)

    assert verdict.authentic is False
    assert verdict.signature_valid is False
    assert verdict.status is None
    assert verdict.holder_name is None
    assert verdict.uri == URI
    assert "not a valid signature" in verdict.reasons[0]


async def test_one_byte_changed_in_the_pdf_breaks_its_signature(
    verifier: DocumentVerifier, issued: RenderedDocument
) -> None:
    changed = _change(issued.pdf, b"(Class XII Marksheet)", b"(Class XII Marksheeu)")

    verdict = await verifier.verify_file(changed)

    assert verdict.authentic is False
    assert verdict.signature_valid is False
    assert verdict.reasons == ["The signed content was changed after signing."]


async def test_certificate_signed_with_another_key_is_not_the_issuers(
    verifier: DocumentVerifier, other_key: IssuerKey
) -> None:
    forged = sign_certificate(build_certificate(marksheet()), other_key)

    verdict = await verifier.verify_file(forged)

    assert verdict.authentic is False
    assert verdict.signature_valid is False
    assert verdict.issuer_id == "in.gov.cbse"


async def test_pdf_signed_with_another_key_is_not_the_issuers(
    verifier: DocumentVerifier, other_key: IssuerKey
) -> None:
    doc = marksheet()
    unsigned = render_pdf(doc, uri=doc.uri)
    # pyHanko's synchronous signing starts an event loop of its own.
    forged = await anyio.to_thread.run_sync(
        lambda: sign_pdf(unsigned, other_key, reason="Issued", location="Delhi")
    )

    verdict = await verifier.verify_file(forged)

    assert verdict.signature_valid is False
    assert verdict.reasons == ["The signer is not the issuer's trusted certificate."]


async def test_marksheet_revoked_after_it_was_issued_is_not_authentic(
    verifier: DocumentVerifier, board: BoardRecords, issued: RenderedDocument
) -> None:
    board.records[URI] = with_status(marksheet(), DocumentStatus.REVOKED)

    verdict = await verifier.verify_file(issued.pdf)

    assert verdict.signature_valid is True
    assert verdict.authentic is False
    assert verdict.status == "REVOKED"
    assert "revoked" in verdict.reasons[-1]


async def test_marksheet_the_board_no_longer_holds_is_not_authentic(
    verifier: DocumentVerifier, board: BoardRecords, issued: RenderedDocument
) -> None:
    board.records.clear()

    verdict = await verifier.verify_file(issued.xml)

    assert verdict.signature_valid is True
    assert verdict.authentic is False
    assert verdict.status is None
    assert "no record of this document" in verdict.reasons[-1]


async def test_issuer_that_is_down_leaves_the_status_unconfirmed(
    verifier: DocumentVerifier, board: BoardRecords, issued: RenderedDocument
) -> None:
    board.down = True

    verdict = await verifier.verify_file(issued.xml)

    assert verdict.signature_valid is True
    assert verdict.authentic is False
    assert verdict.status is None
    assert "could not be reached" in verdict.reasons[-1]


async def test_issuer_that_never_answers_is_given_up_on(
    key_store: IssuerKeyStore, board: BoardRecords, issued: RenderedDocument
) -> None:
    board.silent = True
    registry = AdapterRegistry([(board, "tests")])
    verifier = DocumentVerifier(
        registry, key_store, FrozenClock(CHECKED_AT), issuer_timeout_seconds=0.01
    )

    verdict = await verifier.verify_file(issued.pdf)

    assert verdict.status is None
    assert "could not be reached" in verdict.reasons[-1]


async def test_document_of_an_issuer_this_locker_does_not_know_is_not_checked(
    key_store: IssuerKeyStore, issued: RenderedDocument
) -> None:
    verifier = DocumentVerifier(AdapterRegistry(), key_store, FrozenClock(CHECKED_AT))

    verdict = await verifier.verify_file(issued.xml)

    assert verdict.authentic is False
    assert verdict.signature_valid is None
    assert verdict.issuer_id == "in.gov.cbse"
    assert verdict.issuer_name is None
    assert "No issuer with the id in.gov.cbse" in verdict.reasons[0]


async def test_certificate_without_a_uri_names_no_issuer(
    verifier: DocumentVerifier, issued: RenderedDocument, cbse_key: IssuerKey
) -> None:
    certificate = build_certificate(marksheet())
    del certificate.attrib["uri"]
    signed = sign_certificate(certificate, cbse_key)

    verdict = await verifier.verify_file(signed)

    assert verdict.authentic is False
    assert verdict.signature_valid is None
    assert verdict.uri is None
    assert "no document URI" in verdict.reasons[0]


async def test_pdf_not_made_by_the_locker_names_no_issuer(
    verifier: DocumentVerifier,
) -> None:
    buffer = BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Rent agreement between Meera Joshi and Kavita Rao")
    canvas.save()

    verdict = await verifier.verify_file(buffer.getvalue())

    assert verdict.signature_valid is None
    assert verdict.uri is None


async def test_empty_file_is_refused(verifier: DocumentVerifier) -> None:
    with pytest.raises(EmptyFile):
        await verifier.verify_file(b"")


async def test_a_photo_is_neither_pdf_nor_certificate(
    verifier: DocumentVerifier,
) -> None:
    with pytest.raises(UnsupportedFileType):
        await verifier.verify_file(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 passport photo")


async def test_file_over_the_limit_is_refused_before_it_is_read(
    key_store: IssuerKeyStore, issued: RenderedDocument
) -> None:
    verifier = DocumentVerifier(
        AdapterRegistry(),
        key_store,
        FrozenClock(CHECKED_AT),
        max_bytes=len(issued.pdf) - 1,
    )

    with pytest.raises(FileTooLarge):
        await verifier.verify_file(issued.pdf)


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b'<Certificate uri="in.gov.cbse-HSCER-202426104518">&lol2;</Certificate>',
            id="entity-expansion",
        ),
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM '
            b'"file:///etc/passwd">]><Certificate>&x;</Certificate>',
            id="external-entity",
        ),
        pytest.param(b"<Certificate uri='in.gov.cbse-HSCER-1'><IssuedBy>", id="cut"),
    ],
)
async def test_hostile_or_broken_xml_is_refused_unread(
    verifier: DocumentVerifier, hostile: bytes
) -> None:
    with pytest.raises(FileDamaged) as refused:
        await verifier.verify_file(hostile)

    assert "root:x:" not in refused.value.message


async def test_xml_that_is_not_a_certificate_is_refused(
    verifier: DocumentVerifier,
) -> None:
    with pytest.raises(UnsupportedFileType):
        await verifier.verify_file(b"<html><body>Marksheet</body></html>")


async def test_truncated_pdf_is_refused_as_damaged(
    verifier: DocumentVerifier, issued: RenderedDocument
) -> None:
    with pytest.raises(FileDamaged):
        await verifier.verify_file(issued.pdf[:900])


async def test_password_protected_pdf_is_refused(
    verifier: DocumentVerifier, issued: RenderedDocument
) -> None:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(issued.pdf)))
    writer.encrypt("aarav2006", algorithm="AES-256")
    protected = BytesIO()
    writer.write(protected)

    with pytest.raises(FileEncrypted):
        await verifier.verify_file(protected.getvalue())


async def test_uri_check_gives_the_status_but_not_the_holder(
    verifier: DocumentVerifier,
) -> None:
    verdict = await verifier.verify_uri(URI)

    assert verdict.status == "ACTIVE"
    assert verdict.signature_valid is None
    assert verdict.authentic is False
    assert verdict.holder_name is None
    assert verdict.issuer_name == BOARD
    assert "send the file itself" in verdict.reasons[-1]


async def test_uri_check_reports_a_revocation(
    verifier: DocumentVerifier, board: BoardRecords
) -> None:
    board.records[URI] = with_status(marksheet(), DocumentStatus.REVOKED)

    verdict = await verifier.verify_uri(URI)

    assert verdict.status == "REVOKED"
    assert "revoked" in verdict.reasons[0]


@pytest.mark.parametrize(
    "uri", ["", "marksheet of Aarav", "in.gov.cbse-HSCER-" + "9" * 300]
)
async def test_uri_check_refuses_what_is_not_a_uri(
    verifier: DocumentVerifier, uri: str
) -> None:
    with pytest.raises(InvalidUri):
        await verifier.verify_uri(uri)


def test_pdf_prints_the_verification_address_beside_its_qr_code(
    issued: RenderedDocument,
) -> None:
    text = PdfReader(BytesIO(issued.pdf)).pages[-1].extract_text()

    assert f"{PUBLIC_URL}/verify/{URI}" in text


def test_qr_code_on_the_pdf_leads_to_the_check_of_its_uri(
    issued: RenderedDocument,
) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    pdf = pdfium.PdfDocument(issued.pdf)
    page = pdf[len(pdf) - 1].render(scale=2).to_pil()

    codes = [code.text for code in zxingcpp.read_barcodes(page)]

    assert codes == [f"{PUBLIC_URL}/verify/{URI}"]
