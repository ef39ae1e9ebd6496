"""A board that signs its certificate XML: verified, and kept exactly as signed."""

from __future__ import annotations

import pytest
from signxml.verifier import XMLVerifier

from adapters.digilocker import (
    AnswerProblem,
    DigiLockerDocument,
    IssuerAnswerRefused,
    digilocker_adapter,
)
from adapters.sdk import IssuerAdapter
from tests.adapters.digilocker.conftest import (
    AARTI_IDENTITY,
    ConfigFactory,
    certificate_pem,
)
from tests.adapters.digilocker.issuer import (
    BoardService,
    SigningIdentity,
    new_signing_identity,
)
from tests.adapters.digilocker.records import (
    AARTI,
)

AARTI_LOOKUP = {"seatNumber": "M240318", "year": "2024"}


@pytest.fixture
def verifying_adapter(
    make_config: ConfigFactory, board: BoardService, board_signer: SigningIdentity
) -> IssuerAdapter:
    board.signer = board_signer
    return digilocker_adapter(
        make_config(certificate_pem=certificate_pem(board_signer))
    )


async def _pull(adapter: IssuerAdapter) -> DigiLockerDocument:
    found = await adapter.lookup("HSCER", AARTI_LOOKUP, AARTI_IDENTITY)
    document = await adapter.get(found.uri)
    assert isinstance(document, DigiLockerDocument)
    return document


async def _refusal(adapter: IssuerAdapter) -> IssuerAnswerRefused:
    with pytest.raises(IssuerAnswerRefused) as raised:
        await adapter.lookup("HSCER", AARTI_LOOKUP, AARTI_IDENTITY)
    return raised.value


async def test_a_signed_certificate_is_verified_and_kept_byte_for_byte(
    verifying_adapter: IssuerAdapter,
    board: BoardService,
    board_signer: SigningIdentity,
) -> None:
    document = await _pull(verifying_adapter)

    assert document.signature_verified
    assert document.issuer_xml == board.sent_certificates[0]
    # Anyone holding the board's certificate can still check the kept copy.
    XMLVerifier().verify(document.issuer_xml, x509_cert=board_signer.certificate)
    assert document.issued_to.name == AARTI.name


async def test_a_tampered_certificate_is_refused(
    verifying_adapter: IssuerAdapter, board: BoardService
) -> None:
    signed = board.certificate_of(AARTI)
    # Mathematics raised from 88 to 98 after the board signed.
    board.certificate_override = signed.replace(
        b'name="Mathematics and Statistics" marksTotal="88"',
        b'name="Mathematics and Statistics" marksTotal="98"',
    )
    assert board.certificate_override != signed

    refusal = await _refusal(verifying_adapter)

    assert refusal.problem is AnswerProblem.SIGNATURE
    assert "signature does not verify" in refusal.message


async def test_an_unsigned_certificate_is_refused_when_a_signature_is_expected(
    verifying_adapter: IssuerAdapter, board: BoardService
) -> None:
    board.signer = None

    refusal = await _refusal(verifying_adapter)

    assert refusal.problem is AnswerProblem.SIGNATURE


async def test_a_certificate_signed_by_another_key_is_refused(
    verifying_adapter: IssuerAdapter, board: BoardService
) -> None:
    board.signer = new_signing_identity("Someone else")

    refusal = await _refusal(verifying_adapter)

    assert refusal.problem is AnswerProblem.SIGNATURE


async def test_an_rsa_sha1_signature_is_refused(
    verifying_adapter: IssuerAdapter, board: BoardService
) -> None:
    board.legacy_sha1 = True

    refusal = await _refusal(verifying_adapter)

    assert refusal.problem is AnswerProblem.SIGNATURE


async def test_pull_doc_answers_are_verified_too(
    make_config: ConfigFactory,
    board: BoardService,
    board_url: str,
    board_signer: SigningIdentity,
) -> None:
    board.signer = board_signer
    adapter = digilocker_adapter(
        make_config(
            certificate_pem=certificate_pem(board_signer),
            pull_doc_url=f"{board_url}/pulldoc",
        )
    )

    document = await adapter.get(AARTI.uri)

    assert isinstance(document, DigiLockerDocument)
    assert document.signature_verified
    assert document.issuer_xml == board.sent_certificates[0]
