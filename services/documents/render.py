"""From a ``StandardDocument`` to the two signed files the locker hands out.

``DocumentRenderer.render`` runs the whole pipeline in order: build the
certificate XML, validate it against the project's schema (an adapter that
produces an invalid certificate is caught here, before anything is signed),
sign it, render the PDF rendition and sign that. It is synchronous and
CPU-bound (RSA signing, PDF layout): async callers run it in a worker thread.

Given the locker's public address, the renderer puts on every PDF a QR code
of ``verification_url``: the public check of the document's status
(``web/verify.py``). Without one (tests, tools) the PDF has no QR code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from adapters.sdk.document import DocumentStatus, DocumentUri, StandardDocument
from adapters.sdk.schema import validate_certificate
from adapters.sdk.xml import build_certificate
from services.clock import Clock, SystemClock
from services.documents.keys import IssuerKeyStore
from services.documents.pdf import render_pdf
from services.documents.pdf_signing import sign_pdf
from services.documents.xml_signing import sign_certificate


@dataclass(frozen=True)
class RenderedDocument:
    """A document's signed certificate XML and signed PDF, as produced.

    Keep ``xml`` and ``pdf`` as these exact bytes: any re-serialisation breaks
    their signatures.
    """

    uri: str
    xml: bytes
    pdf: bytes
    status: DocumentStatus
    rendered_at: datetime


class DocumentRenderer:
    """Turns standard documents into signed XML and PDF with the issuers' keys."""

    def __init__(
        self,
        keystore: IssuerKeyStore,
        *,
        clock: Clock | None = None,
        public_url: str | None = None,
    ) -> None:
        self.keystore = keystore
        self.clock = clock or SystemClock()
        self.public_url = public_url.rstrip("/") if public_url else None

    def verification_url(self, uri: str) -> str | None:
        """Where the QR code on ``uri``'s PDF leads; None without a public URL."""
        if self.public_url is None:
            return None
        return f"{self.public_url}/verify/{quote(uri, safe='/')}"

    def render(
        self,
        doc: StandardDocument,
        *,
        issuer_name: str,
        verification_url: str | None = None,
    ) -> RenderedDocument:
        """Build, validate and sign ``doc``'s certificate XML and PDF.

        ``verification_url`` overrides the QR code's target, which is
        otherwise ``self.verification_url(doc.uri)``. Raises
        ``CertificateInvalid`` when the adapter's document does not match the
        certificate schema, and the key store's errors when the issuer has no
        usable signing key.
        """
        certificate = build_certificate(doc)
        validate_certificate(certificate)

        issuer_id = DocumentUri.parse(doc.uri).issuer_id
        key = self.keystore.key_for(issuer_id, issuer_name)
        signed_xml = sign_certificate(certificate, key)

        pdf = render_pdf(
            doc,
            uri=doc.uri,
            verification_url=verification_url or self.verification_url(doc.uri),
        )
        signed_pdf = sign_pdf(
            pdf,
            key,
            reason=f"Issued by {issuer_name}",
            location=_location(doc),
        )

        return RenderedDocument(
            uri=doc.uri,
            xml=signed_xml,
            pdf=signed_pdf,
            status=doc.status,
            rendered_at=self.clock.now(),
        )


def _location(doc: StandardDocument) -> str:
    if doc.issued_at:
        return doc.issued_at

    address = doc.issued_by.address
    if address is not None and (address.vtc or address.state):
        return ", ".join(part for part in (address.vtc, address.state) if part)
    return "India"
