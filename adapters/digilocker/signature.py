"""Reading the certificate XML an issuer sends in ``DataContent``.

With the issuer's certificate configured, ``DataContent`` must carry an
enveloped XML-DSig signature by that certificate's key (signxml, pinned to the
certificate whatever the document's own ``KeyInfo`` says, and only while the
certificate is valid), and the adapter reads only what the signature covers:
the tree signxml answers, never the input, so content slipped in beside the
signature (signature wrapping) is not read. Accepted, as by the locker's own
verifier: RSA with SHA-256, SHA-384 or SHA-512, one reference, the signature a
direct child of the root. RSA-SHA1, which some real DigiLocker files carry, is
refused: such an issuer must sign afresh.

Without a configured certificate the XML is read as it comes, trusted as far
as the HTTPS connection and the API key go.

Either way the bytes themselves are never touched: the caller keeps them as
received, so the issuer's signature stays checkable by anyone.
"""

from __future__ import annotations

from cryptography import x509
from lxml import etree

from adapters.digilocker.errors import AnswerInvalid, AnswerProblem
from adapters.sdk import CertificateInvalid, safe_parse
from adapters.sdk.signature import SignatureNotValid, verify_enveloped


def read_certificate(
    data: bytes, *, trusted: x509.Certificate | None, max_bytes: int
) -> etree._Element:
    """The ``Certificate`` element of ``DataContent``, verified when ``trusted``.

    Raises ``AnswerInvalid``: ``XML`` for what the hardened parser refuses,
    ``SIGNATURE`` for a missing or bad signature, ``SHAPE`` for another root.
    """
    try:
        root = safe_parse(data, max_bytes=max_bytes)
    except CertificateInvalid as error:
        raise AnswerInvalid(
            AnswerProblem.XML, f"DataContent: {error.message}"
        ) from None

    certificate = root if trusted is None else _verified(root, trusted)
    if certificate.tag != "Certificate":
        raise AnswerInvalid(
            AnswerProblem.SHAPE,
            f"DataContent's root is {etree.QName(certificate).localname}, "
            "not Certificate",
        )

    return certificate


def _verified(root: etree._Element, trusted: x509.Certificate) -> etree._Element:
    try:
        return verify_enveloped(root, trusted)
    except SignatureNotValid as error:
        raise AnswerInvalid(
            AnswerProblem.SIGNATURE,
            f"DataContent's signature is not valid ({error.reason})",
        ) from None
