"""The enveloped XML signature on a certificate: making it and checking it.

``sign_certificate`` signs the whole ``Certificate`` (reference URI ``""``) with
RSA-SHA256 over a SHA-256 digest, exclusive canonicalisation, and puts the
issuer's certificate in ``KeyInfo``; the ``ds:Signature`` becomes the last
child of the root, where the project's schema expects it.

``verify_certificate`` accepts exactly this kind of signature:

- RSA with SHA-256, SHA-384 or SHA-512, and digests of the same family. SHA-1
  is refused, although some real DigiLocker files are signed with RSA-SHA1:
  such a file must be re-signed by its issuer, since a SHA-1 signature no
  longer proves who wrote it;
- exactly one reference, and the ``ds:Signature`` a direct child of the root;
- a signature by the key of the pinned certificate handed in by the caller,
  whatever certificate the document itself carries, and only while that
  certificate is within its validity period.

It returns only what was signed, as signxml re-parsed it from the canonical
bytes, never the input tree: content moved or added around the signature
(signature wrapping) is either refused or left out of the answer.
"""

from __future__ import annotations

import copy
import logging

from cryptography import x509
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)
from signxml.signer import XMLSigner

from adapters.sdk.schema import CertificateInvalid, safe_parse
from adapters.sdk.signature import SignatureNotValid, verify_enveloped
from services.documents.errors import SignatureInvalid
from services.documents.keys import IssuerKey

logger = logging.getLogger(__name__)


def sign_certificate(element: etree._Element, key: IssuerKey) -> bytes:
    """Sign a ``Certificate`` element; the signed document as UTF-8 bytes.

    ``element`` itself is left unchanged. Keep the bytes returned exactly as
    they are: re-serialising a signed document can break its signature.
    """
    payload = copy.deepcopy(element)
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(payload, key=key.private_key, cert=[key.certificate])

    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def verify_certificate(data: bytes, trusted_cert_pem: bytes) -> etree._Element:
    """Check a signed certificate against the issuer's pinned certificate.

    Returns the signed ``Certificate`` (without its signature) as verified.
    Raises ``SignatureInvalid`` for anything short of a good signature by the
    pinned certificate's key, including XML the hardened parser refuses;
    raises ``ValueError`` when ``trusted_cert_pem`` is not a PEM certificate,
    which is the caller's mistake rather than the document's.
    """
    trusted_certificate = x509.load_pem_x509_certificate(trusted_cert_pem)
    try:
        root = safe_parse(data)
    except CertificateInvalid as error:
        raise SignatureInvalid(
            f"The signed certificate cannot be read: {error.message}"
        ) from None

    try:
        signed = verify_enveloped(root, trusted_certificate)
    except SignatureNotValid as error:
        logger.debug("XML signature refused: %s", error.reason)
        raise SignatureInvalid(
            "The certificate's signature is not a valid signature by its "
            "issuer; ask the issuer for a fresh copy."
        ) from None

    if signed.tag != "Certificate":
        raise SignatureInvalid(
            "The signature does not cover a whole certificate; ask the issuer "
            "for a fresh copy."
        )

    return signed
