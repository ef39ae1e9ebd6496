"""The enveloped XML signature: made with the issuer's key, checked against it."""

from __future__ import annotations

import copy

import pytest
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner

from adapters.sdk.schema import validate_certificate
from adapters.sdk.xml import build_certificate
from services.documents.errors import SignatureInvalid
from services.documents.keys import IssuerKey
from services.documents.xml_signing import sign_certificate, verify_certificate
from tests.documents.samples import marksheet

DS = "{http://www.w3.org/2000/09/xmldsig#}"


@pytest.fixture(scope="module")
def signed(cbse_key: IssuerKey) -> bytes:
    return sign_certificate(build_certificate(marksheet()), cbse_key)


def test_signed_certificate_verifies_with_the_issuers_certificate(
    signed: bytes, cbse_key: IssuerKey
) -> None:
    verified = verify_certificate(signed, cbse_key.certificate_pem)

    assert verified.tag == "Certificate"
    person = verified.find("IssuedTo/Person")
    assert person is not None
    assert person.get("name") == "Aarav Sharma"


def test_verification_returns_the_signed_content_without_the_signature(
    signed: bytes, cbse_key: IssuerKey
) -> None:
    verified = verify_certificate(signed, cbse_key.certificate_pem)

    assert verified.find(f"{DS}Signature") is None
    assert [child.tag for child in verified] == [
        "IssuedBy",
        "IssuedTo",
        "CertificateData",
    ]


def test_signature_is_the_last_child_and_the_result_still_fits_the_schema(
    signed: bytes,
) -> None:
    root = etree.fromstring(signed)

    assert root[-1].tag == f"{DS}Signature"
    validate_certificate(signed)


def test_signature_uses_rsa_sha256_exclusive_c14n_and_carries_the_certificate(
    signed: bytes, cbse_key: IssuerKey
) -> None:
    signature = etree.fromstring(signed).find(f"{DS}Signature")
    assert signature is not None

    algorithms = {
        element.tag.removeprefix(DS): element.get("Algorithm")
        for element in signature.iter()
        if element.get("Algorithm")
    }
    assert algorithms["SignatureMethod"] == (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    )
    assert algorithms["DigestMethod"] == "http://www.w3.org/2001/04/xmlenc#sha256"
    assert algorithms["CanonicalizationMethod"] == (
        "http://www.w3.org/2001/10/xml-exc-c14n#"
    )
    reference = signature.find(f"{DS}SignedInfo/{DS}Reference")
    assert reference is not None
    assert reference.get("URI") == ""
    embedded = signature.findtext(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    assert embedded is not None
    assert "".join(embedded.split()) in "".join(
        cbse_key.certificate_pem.decode().split()
    )


def test_signing_leaves_the_callers_element_untouched(cbse_key: IssuerKey) -> None:
    element = build_certificate(marksheet())
    before = etree.tostring(element)

    sign_certificate(element, cbse_key)

    assert etree.tostring(element) == before


def test_verification_fails_with_another_issuers_certificate(
    signed: bytes, other_key: IssuerKey
) -> None:
    with pytest.raises(SignatureInvalid) as refused:
        verify_certificate(signed, other_key.certificate_pem)

    assert refused.value.code == "SIGNATURE_INVALID"


def test_certificate_embedded_in_the_document_is_not_what_is_trusted(
    cbse_key: IssuerKey, other_key: IssuerKey
) -> None:
    forged = sign_certificate(build_certificate(marksheet()), other_key)

    with pytest.raises(SignatureInvalid):
        verify_certificate(forged, cbse_key.certificate_pem)


def test_verification_fails_after_one_attribute_is_changed(
    signed: bytes, cbse_key: IssuerKey
) -> None:
    assert b'dob="14-03-2006"' in signed
    tampered = signed.replace(b'dob="14-03-2006"', b'dob="14-03-2005"')

    with pytest.raises(SignatureInvalid):
        verify_certificate(tampered, cbse_key.certificate_pem)


def test_signed_content_moved_under_a_forged_certificate_is_refused(
    signed: bytes, cbse_key: IssuerKey
) -> None:
    original = etree.fromstring(signed)
    signature = original[-1]
    forged = copy.deepcopy(original)
    forged.remove(forged[-1])
    forged.set("status", "A")
    person = forged.find("IssuedTo/Person")
    assert person is not None
    person.set("name", "Someone Else")
    hidden = etree.SubElement(signature, f"{DS}Object")
    hidden.append(copy.deepcopy(original))
    hidden[0].remove(hidden[0][-1])
    forged.append(signature)

    with pytest.raises(SignatureInvalid):
        verify_certificate(etree.tostring(forged), cbse_key.certificate_pem)


def test_signed_certificate_wrapped_beside_a_forged_one_is_refused(
    signed: bytes, cbse_key: IssuerKey
) -> None:
    original = etree.fromstring(signed)
    wrapper = etree.Element("Certificates")
    forged = copy.deepcopy(original)
    forged.remove(forged[-1])
    forged.set("name", "Forged Marksheet")
    wrapper.append(forged)
    wrapper.append(original)

    with pytest.raises(SignatureInvalid):
        verify_certificate(etree.tostring(wrapper), cbse_key.certificate_pem)


def test_unsigned_certificate_is_refused(cbse_key: IssuerKey) -> None:
    unsigned = etree.tostring(build_certificate(marksheet()))

    with pytest.raises(SignatureInvalid):
        verify_certificate(unsigned, cbse_key.certificate_pem)


def test_sha1_signature_is_refused_even_by_the_right_key(cbse_key: IssuerKey) -> None:
    signer = XMLSigner()
    # signxml refuses to make SHA-1 signatures; switch after construction to
    # produce the kind of file some issuers still send.
    signer.sign_alg = SignatureMethod.RSA_SHA1
    signer.digest_alg = DigestAlgorithm.SHA1
    legacy = signer.sign(
        build_certificate(marksheet()),
        key=cbse_key.private_key,
        cert=[cbse_key.certificate],
    )

    with pytest.raises(SignatureInvalid):
        verify_certificate(etree.tostring(legacy), cbse_key.certificate_pem)


def test_hostile_xml_is_refused_as_an_invalid_signature(cbse_key: IssuerKey) -> None:
    hostile = (
        b'<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        b'<Certificate name="&x;"/>'
    )

    with pytest.raises(SignatureInvalid):
        verify_certificate(hostile, cbse_key.certificate_pem)


def test_a_trusted_certificate_that_is_not_pem_is_the_callers_error(
    signed: bytes,
) -> None:
    with pytest.raises(ValueError, match=r"PEM|certificate|Unable"):
        verify_certificate(signed, b"not a certificate")
