"""The PDF rendition's signature: PAdES, made and checked with pyHanko.

``sign_pdf`` adds an invisible certification signature in the field
``IssuerSignature`` as an incremental update: PAdES baseline B-B
(``ETSI.CAdES.detached``, SHA-256, the signer's certificate in the CMS), with
DocMDP "no changes", since an issued document is final. No timestamp is added:
the signing time is the one the signer states.

``verify_pdf`` checks that signature with the issuer's certificate as the only
trust root, fetching nothing from the network, and answers a
``PdfVerification`` rather than raising: a PDF is valid when the signature is
intact (the signed bytes are unchanged), cryptographically sound, made by the
trusted certificate, and nothing at all was appended after it. The locker
signs each rendition once, so any later incremental update, even one a PDF
tool would call harmless (new metadata, archival data), means the file is no
longer the one the locker issued.

pyHanko's synchronous entry points start their own event loop, so both
functions must run outside one: async callers use a worker thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import (
    PdfSignatureStatus,
    SignatureCoverageLevel,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from services.documents.keys import IssuerKey

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "IssuerSignature"


@dataclass(frozen=True)
class PdfVerification:
    """The verdict on a signed PDF.

    ``valid`` is the bottom line; ``intact`` says the signed bytes are
    unchanged, ``trusted`` that the signer is the pinned certificate.
    ``signer`` is the signing certificate's common name and ``signed_at`` the
    time the signer states (no timestamp authority vouches for it).
    ``reasons`` explains, in sentences, why a PDF is not valid.
    """

    valid: bool
    intact: bool
    trusted: bool
    signer: str | None = None
    signed_at: datetime | None = None
    reasons: list[str] = field(default_factory=list)


def sign_pdf(pdf: bytes, key: IssuerKey, *, reason: str, location: str) -> bytes:
    """Sign ``pdf`` in the issuer's name; the signed PDF as bytes."""
    certificate = asn1_x509.Certificate.load(
        key.certificate.public_bytes(serialization.Encoding.DER)
    )
    private_key = asn1_keys.PrivateKeyInfo.load(
        key.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    # pyhanko-certvalidator leaves this constructor unannotated.
    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    registry.register(certificate)
    signer = signers.SimpleSigner(
        signing_cert=certificate, signing_key=private_key, cert_registry=registry
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    output = signers.sign_pdf(writer, metadata, signer=signer)

    return bytes(output.getvalue())


def verify_pdf(data: bytes, trusted_cert_pem: bytes) -> PdfVerification:
    """Check the issuer's signature on a PDF against the pinned certificate.

    Never raises for a bad PDF: the answer says what is wrong. Raises
    ``ValueError`` only when ``trusted_cert_pem`` is not a certificate.
    """
    trust_root = _load_certificate(trusted_cert_pem)
    try:
        reader = PdfFileReader(BytesIO(data))
        embedded = [
            signature
            for signature in reader.embedded_signatures
            if signature.field_name == SIGNATURE_FIELD
        ]
    except Exception as error:
        logger.debug("Unreadable PDF refused: %s", type(error).__name__)
        return _refused("The file is not a readable PDF.")
    if not embedded:
        return _refused("The PDF carries no issuer signature.")

    context = ValidationContext(trust_roots=[trust_root], allow_fetching=False)
    try:
        status = validate_pdf_signature(embedded[-1], signer_validation_context=context)
    except Exception as error:
        # Validation fails closed: a malformed signature is a refused one.
        logger.debug("PDF signature refused: %s", type(error).__name__)
        return _refused("The PDF signature cannot be read or checked.")

    reasons = _problems(status)
    return PdfVerification(
        valid=not reasons,
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        signer=_common_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        reasons=reasons,
    )


def _problems(status: PdfSignatureStatus) -> list[str]:
    # The first failing check explains the verdict; later checks mean little
    # once the signed bytes have changed.
    if not status.intact:
        return ["The signed content was changed after signing."]
    if not status.valid:
        return ["The signature does not match the signed content."]
    if not status.trusted:
        return ["The signer is not the issuer's trusted certificate."]
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return ["Content was added to the PDF after it was signed."]
    if not status.bottom_line:
        return ["The signature does not meet the validation policy."]
    return []


def _load_certificate(certificate_pem: bytes) -> asn1_x509.Certificate:
    if not pem.detect(certificate_pem):
        raise ValueError("The trusted certificate is not PEM-encoded.")
    _, _, der = pem.unarmor(certificate_pem)
    return asn1_x509.Certificate.load(der)


def _common_name(certificate: asn1_x509.Certificate | None) -> str | None:
    if certificate is None:
        return None
    name = certificate.subject.native.get("common_name")
    return str(name) if name else None


def _refused(reason: str) -> PdfVerification:
    return PdfVerification(valid=False, intact=False, trusted=False, reasons=[reason])
