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
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.verifier import SignatureConfiguration, VerifyResult, XMLVerifier

from adapters.digilocker.errors import AnswerInvalid, AnswerProblem
from adapters.sdk import CertificateInvalid, safe_parse

_EXPECTED = SignatureConfiguration(
    require_x509=True,
    location="./",
    expect_references=1,
    signature_methods=frozenset(
        {
            SignatureMethod.RSA_SHA256,
            SignatureMethod.RSA_SHA384,
            SignatureMethod.RSA_SHA512,
        }
    ),
    digest_algorithms=frozenset(
        {DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512}
    ),
)


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
        result = XMLVerifier().verify(
            root,
            x509_cert=trusted,
            parser=_verifier_parser(),
            expect_config=_EXPECTED,
        )
    except Exception as error:
        # Fail closed: whatever signxml or lxml trips over in a hostile
        # document means "not verified", never a crash.
        raise AnswerInvalid(
            AnswerProblem.SIGNATURE,
            f"DataContent's signature is not valid ({type(error).__name__})",
        ) from None

    signed = result.signed_xml if isinstance(result, VerifyResult) else None
    if not isinstance(signed, etree._Element):
        raise AnswerInvalid(
            AnswerProblem.SIGNATURE, "DataContent's signature covers no element"
        )

    return signed


def _verifier_parser() -> etree.XMLParser:
    # signxml re-parses canonical bytes; give it safe_parse's settings.
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    )
