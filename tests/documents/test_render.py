"""The whole pipeline: a standard document in, signed XML and PDF out."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from adapters.sdk import DocumentStatus, node
from adapters.sdk.schema import CertificateInvalid, validate_certificate
from services.clock import FrozenClock
from services.documents.keys import IssuerKey, IssuerKeyStore
from services.documents.pdf_signing import verify_pdf
from services.documents.render import DocumentRenderer, RenderedDocument
from services.documents.xml_signing import verify_certificate
from tests.documents.samples import driving_licence, marksheet

RENDERED_AT = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def renderer(key_store: IssuerKeyStore) -> DocumentRenderer:
    return DocumentRenderer(key_store, clock=FrozenClock(RENDERED_AT))


@pytest.fixture(scope="module")
def rendered(renderer: DocumentRenderer) -> RenderedDocument:
    return renderer.render(
        marksheet(),
        issuer_name="Central Board of Secondary Education",
        verification_url="https://locker.example.in/verify",
    )


def test_rendered_xml_verifies_with_the_issuers_certificate(
    rendered: RenderedDocument, cbse_key: IssuerKey
) -> None:
    verified = verify_certificate(rendered.xml, cbse_key.certificate_pem)

    assert verified.get("uri") == "in.gov.cbse-HSCER-202426104518"
    validate_certificate(rendered.xml)


def test_rendered_pdf_verifies_with_the_issuers_certificate(
    rendered: RenderedDocument, cbse_key: IssuerKey
) -> None:
    verdict = verify_pdf(rendered.pdf, cbse_key.certificate_pem)

    assert verdict.valid
    assert verdict.signer == "Central Board of Secondary Education"


def test_rendered_pdf_names_the_holder_and_the_verification_link(
    rendered: RenderedDocument,
) -> None:
    text = PdfReader(BytesIO(rendered.pdf)).pages[0].extract_text()

    assert "Aarav Sharma" in text
    assert "https://locker.example.in/verify" in text


def test_rendered_document_records_uri_status_and_time(
    rendered: RenderedDocument,
) -> None:
    assert rendered.uri == "in.gov.cbse-HSCER-202426104518"
    assert rendered.status is DocumentStatus.ACTIVE
    assert rendered.rendered_at == RENDERED_AT


def test_revoked_document_keeps_its_status_through_the_pipeline(
    renderer: DocumentRenderer, key_store: IssuerKeyStore
) -> None:
    doc = driving_licence(status=DocumentStatus.REVOKED)

    result = renderer.render(doc, issuer_name="Transport Department")

    assert result.status is DocumentStatus.REVOKED
    key = key_store.key_for("in.gov.transport", "Transport Department")
    assert verify_certificate(result.xml, key.certificate_pem).get("status") == "R"
    assert "REVOKED" in PdfReader(BytesIO(result.pdf)).pages[0].extract_text()


def test_document_failing_the_schema_is_refused_before_anything_is_signed(
    tmp_path: Path,
) -> None:
    renderer = DocumentRenderer(IssuerKeyStore(tmp_path, generate=True))
    doc = marksheet(
        data=(node("School", name="Sunrise Public School", medium="English"),)
    )

    with pytest.raises(CertificateInvalid):
        renderer.render(doc, issuer_name="Central Board of Secondary Education")

    assert list(tmp_path.iterdir()) == []
