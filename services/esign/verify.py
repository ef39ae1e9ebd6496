"""Checking a self-attested PDF against the locker's CA.

``verify_pdf`` judges the last signature in a PDF with pyHanko's validator,
the locker CA as its only trust root and nothing fetched from the network.
The PDF is valid when that signature is intact (the signed bytes are
unchanged), cryptographically sound, made with a certificate the CA issued,
and covers the whole file: anything appended after it, even an edit a PDF
tool would call harmless, is content the resident did not attest. Earlier
signatures are covered by the last one; a broken one is reported as a warning.

It answers a ``SignatureVerdict`` rather than raising: a missing signature, a
damaged file or bytes that are no PDF at all are verdicts too. pyHanko runs its
own event loop, so async callers use a worker thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import BinaryIO

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import (
    PdfSignatureStatus,
    SignatureCoverageLevel,
)
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

_EXPIRED = {AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE}
_NOT_YET_VALID = {AdESIndeterminate.NOT_YET_VALID, AdESFailure.NOT_YET_VALID}
_REVOKED = {
    AdESFailure.REVOKED,
    AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE,
}


@dataclass(frozen=True)
class SignatureVerdict:
    """The verdict on a self-attested PDF, about its last signature.

    ``valid`` is the bottom line and ``reasons`` says, in sentences, why it is
    false. ``signer_name`` is the certificate's common name (the resident's
    verified name), ``signer_account_id`` the account it was issued for, and
    ``signed_at`` the time the signature states (no timestamp authority
    vouches for it). ``intact``, ``trusted`` and ``covers_whole_document``
    are the checks behind ``valid``; ``signature_count`` counts every
    signature in the file, and ``warnings`` names earlier ones that no longer
    match what they signed.
    """

    valid: bool
    signer_name: str | None = None
    signed_at: datetime | None = None
    reasons: list[str] = field(default_factory=list)
    signer_account_id: str | None = None
    intact: bool = False
    trusted: bool = False
    covers_whole_document: bool = False
    signature_count: int = 0
    warnings: list[str] = field(default_factory=list)


def verify_pdf(
    source: BinaryIO | bytes, *, ca_certificate_pem: bytes
) -> SignatureVerdict:
    """Check the last signature of a PDF against the locker CA.

    Never raises for a bad PDF: the verdict says what is wrong. Raises
    ``ValueError`` only when ``ca_certificate_pem`` is not a PEM certificate.
    """
    trust_root = _load_certificate(ca_certificate_pem)
    data = source if isinstance(source, bytes) else source.read()
    try:
        # Not strict, as when signing: the resident's own PDF may carry
        # harmless irregularities (``signing._open_for_signing``).
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = [
            signature
            for signature in reader.embedded_signatures
            if signature.sig_object_type == "/Sig"
        ]
    except Exception as error:
        # pyHanko reports malformed input with many exception types; a file
        # it cannot parse is a refused one.
        logger.debug("Unreadable PDF refused: %s", type(error).__name__)
        return _refused("The file is not a readable PDF.")
    if not signatures:
        return _refused("The PDF carries no signature.")

    context = ValidationContext(trust_roots=[trust_root], allow_fetching=False)
    try:
        status = validate_pdf_signature(
            signatures[-1], signer_validation_context=context
        )
    except Exception as error:
        # Validation fails closed: a malformed signature is a refused one.
        logger.debug("PDF signature refused: %s", type(error).__name__)
        return _refused(
            "The PDF's last signature cannot be read or checked.",
            signature_count=len(signatures),
        )

    reasons = _problems(status)
    subject = status.signing_cert.subject.native
    return SignatureVerdict(
        valid=not reasons,
        signer_name=_single_text(subject.get("common_name")),
        signed_at=status.signer_reported_dt,
        reasons=reasons,
        signer_account_id=_single_text(subject.get("user_id")),
        intact=status.intact,
        trusted=status.trusted,
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signature_count=len(signatures),
        warnings=_earlier_problems(signatures, context),
    )


def _problems(status: PdfSignatureStatus) -> list[str]:
    # Once the signed bytes have changed, nothing else about them means much.
    if not status.intact:
        return ["The signed content was changed after signing."]
    if not status.valid:
        return ["The signature does not match the signer's certificate."]

    reasons = []
    if not status.trusted:
        reasons.append(_trust_problem(status))
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        reasons.append("Content was added to the PDF after it was signed.")
    if not reasons and not status.bottom_line:
        reasons.append("The signature does not meet the validation policy.")

    return reasons


def _trust_problem(status: PdfSignatureStatus) -> str:
    indication = status.trust_problem_indic
    if indication in _EXPIRED:
        return "The signer's certificate has expired."
    if indication in _NOT_YET_VALID:
        return "The signer's certificate is not valid yet."
    if indication in _REVOKED:
        return "The signer's certificate has been revoked."
    return "The signature was not made with a certificate from this locker."


def _earlier_problems(
    signatures: list[EmbeddedPdfSignature], context: ValidationContext
) -> list[str]:
    """A sentence for each signature before the last that no longer holds.

    Only integrity is judged: an earlier signer (an issuer, say) need not be
    one this locker trusts.
    """
    warnings = []
    total = len(signatures)
    for number, signature in enumerate(signatures[:-1], start=1):
        try:
            status = validate_pdf_signature(
                signature, signer_validation_context=context
            )
            holds = status.intact and status.valid
        except Exception as error:
            logger.debug("Earlier PDF signature unreadable: %s", type(error).__name__)
            holds = False
        if not holds:
            warnings.append(
                f"Signature {number} of {total}, made before the last, "
                "no longer matches what it signed."
            )

    return warnings


def _single_text(value: object) -> str | None:
    # A name may repeat an attribute; then no one value speaks for it.
    return value if isinstance(value, str) else None


def _load_certificate(certificate_pem: bytes) -> asn1_x509.Certificate:
    if not pem.detect(certificate_pem):
        raise ValueError("The CA certificate is not PEM-encoded.")
    _, _, der = pem.unarmor(certificate_pem)
    return asn1_x509.Certificate.load(der)


def _refused(reason: str, *, signature_count: int = 0) -> SignatureVerdict:
    return SignatureVerdict(
        valid=False, reasons=[reason], signature_count=signature_count
    )
