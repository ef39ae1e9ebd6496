"""Checking an enveloped XML signature against one pinned certificate.

Two kinds of signed certificate XML are verified here: the locker's own
(``services.documents.xml_signing``) and issuers' signed ``DataContent``
(``adapters.digilocker``). Both go through ``verify_enveloped``: signxml's
verifier with the X.509 certificate required and pinned, exactly one
reference, RSA with SHA-256 or stronger (SHA-1 is refused), and a parser with
``safe_parse``'s settings for what signxml re-parses.
"""

from __future__ import annotations

from cryptography import x509
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.verifier import SignatureConfiguration, VerifyResult, XMLVerifier

ACCEPTED_SIGNATURE_METHODS = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
    }
)
ACCEPTED_DIGESTS = frozenset(
    {DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512}
)
_EXPECTED = SignatureConfiguration(
    require_x509=True,
    location="./",
    expect_references=1,
    signature_methods=ACCEPTED_SIGNATURE_METHODS,
    digest_algorithms=ACCEPTED_DIGESTS,
)


class SignatureNotValid(Exception):
    """The signature does not verify; ``reason`` is a few words for a log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify_enveloped(root: etree._Element, trusted: x509.Certificate) -> etree._Element:
    """The element ``root``'s enveloped signature covers, verified by ``trusted``.

    Raises ``SignatureNotValid`` for anything short of a good signature by the
    pinned certificate's key: whatever signxml or lxml trips over in a hostile
    document means "not verified", never a crash.
    """
    try:
        result = XMLVerifier().verify(
            root,
            x509_cert=trusted,
            parser=_verifier_parser(),
            expect_config=_EXPECTED,
        )
    except Exception as error:
        raise SignatureNotValid(type(error).__name__) from None

    signed = result.signed_xml if isinstance(result, VerifyResult) else None
    if not isinstance(signed, etree._Element):
        raise SignatureNotValid("the signature covers no element")
    return signed


def _verifier_parser() -> etree.XMLParser:
    # signxml re-parses canonical bytes internally; give it safe_parse's settings.
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    )
