"""Self-attesting an uploaded file with an OTP, through the API.

The signed copy is checked twice: by the locker's own ``signature`` field and
by pyHanko's validator, given nothing but the CA certificate the API publishes,
as anyone receiving the PDF would check it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from demo import queries
from services.accounts import normalise_mobile
from services.clock import FrozenClock
from tests.api.conftest import Api, sandbox_resident
from tests.api.test_uploads_api import my_upload, my_uploads, upload
from tests.uploads import samples

PRIYA = "Priya Venkataraman"


@pytest.fixture
def clock() -> FrozenClock:
    """Now, to the second: a signature states its time in whole seconds."""
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def priya(api: Api) -> Api:
    """Priya, signed in with her Aadhaar linked: her verified name can sign."""
    await api.new_resident(sandbox_resident(PRIYA)["mobile"], "priya", aadhaar_of=PRIYA)
    return api


async def request_esign(api: Api, file_id: str) -> dict[str, Any]:
    requested: dict[str, Any] = (await api(queries.REQUEST_ESIGN, id=file_id))[
        "requestEsign"
    ]
    return requested


async def confirm_esign(api: Api, challenge_id: str, otp: str) -> dict[str, Any]:
    confirmed: dict[str, Any] = (
        await api(queries.CONFIRM_ESIGN, challengeId=challenge_id, otp=otp)
    )["confirmEsign"]
    return confirmed


def last_otp(api: Api, mobile: str) -> str:
    return api.sms.last_otp(normalise_mobile(mobile))


def pyhanko_verdict(pdf: bytes, ca_pem: str) -> PdfSignatureStatus:
    """pyHanko's own judgement of the PDF's last signature, trusting only the CA."""
    _, _, der = pem.unarmor(ca_pem.encode("ascii"))
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der)], allow_fetching=False
    )
    signature = PdfFileReader(BytesIO(pdf)).embedded_signatures[-1]
    return validate_pdf_signature(signature, signer_validation_context=context)


@pytest.mark.parametrize(
    ("write", "name", "signed_name"),
    [
        (
            samples.write_rent_agreement,
            "Rent agreement Baner.pdf",
            "Rent agreement Baner",
        ),
        (samples.write_id_photo, "Passport photo.jpg", "Passport photo"),
    ],
    ids=["pdf", "jpeg"],
)
async def test_a_resident_esigns_a_file_and_anyone_can_check_it_with_the_ca(
    priya: Api,
    client: httpx.AsyncClient,
    clock: FrozenClock,
    tmp_path: Path,
    write: Callable[[Path], Path],
    name: str,
    signed_name: str,
) -> None:
    body = write(tmp_path / name).read_bytes()
    original_id = await upload(priya, client, name, body, folder="Home")
    mobile = sandbox_resident(PRIYA)["mobile"]
    verified_name = (
        await priya("{ me { ... on Resident { verifiedIdentity { name } } } }")
    )["me"]["verifiedIdentity"]["name"]

    requested = await request_esign(priya, original_id)
    signed = await confirm_esign(
        priya, requested["challengeId"], last_otp(priya, mobile)
    )
    copy = signed["document"]
    checked = await my_upload(priya, copy["id"])
    original = await my_upload(priya, original_id)
    pdf = (await client.get(checked["downloadUrl"]["url"])).content
    ca_pem = (await priya(queries.LOCKER_CERTIFICATE_AUTHORITY))[
        "lockerCertificateAuthority"
    ]
    pyhanko = await anyio.to_thread.run_sync(pyhanko_verdict, pdf, ca_pem)
    me = await my_uploads(priya)

    assert requested["sentTo"].endswith(mobile[-4:])
    assert copy["name"] == f"{signed_name} (self-attested).pdf"
    assert copy["contentType"] == "application/pdf"
    assert copy["pages"] == 1
    assert copy["folder"] == "Home"
    assert copy["signedFrom"] == {"id": original_id}
    assert signed["original"] == {"id": original_id, "name": name}
    assert copy["selfAttestation"]["signerName"] == verified_name
    assert datetime.fromisoformat(copy["selfAttestation"]["signedAt"]) == clock.now()
    signature = checked["signature"]
    assert signature["valid"] is True, signature["reasons"]
    assert signature["reasons"] == []
    assert signature["signerName"] == verified_name
    assert datetime.fromisoformat(signature["signedAt"]) == clock.now()
    assert signature["coversWholeDocument"] is True
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) == copy["size"]
    assert pyhanko.bottom_line
    assert pyhanko.intact
    assert pyhanko.valid
    assert pyhanko.trusted
    assert pyhanko.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert pyhanko.signing_cert.subject.native["common_name"] == verified_name
    assert original["name"] == name
    assert original["selfAttestation"] is None
    assert original["signature"]["valid"] is False
    assert me["uploads"]["totalCount"] == 2
    assert me["storage"]["usedBytes"] == len(body) + copy["size"]


async def test_the_self_attested_filter_lists_only_signed_copies(
    priya: Api, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    agreement = samples.write_rent_agreement(tmp_path / "a.pdf").read_bytes()
    original_id = await upload(priya, client, "Rent agreement.pdf", agreement)
    requested = await request_esign(priya, original_id)
    otp = last_otp(priya, sandbox_resident(PRIYA)["mobile"])
    await confirm_esign(priya, requested["challengeId"], otp)

    attested = await my_uploads(priya, selfAttested=True)
    others = await my_uploads(priya, selfAttested=False)

    assert [edge["node"]["name"] for edge in attested["uploads"]["edges"]] == [
        "Rent agreement (self-attested).pdf"
    ]
    assert [edge["node"]["id"] for edge in others["uploads"]["edges"]] == [original_id]


async def test_a_copy_keeps_its_signature_when_the_original_is_deleted(
    priya: Api, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    photo = samples.write_id_photo(tmp_path / "photo.jpg").read_bytes()
    original_id = await upload(priya, client, "Passport photo.jpg", photo)
    requested = await request_esign(priya, original_id)
    otp = last_otp(priya, sandbox_resident(PRIYA)["mobile"])
    copy_id = (await confirm_esign(priya, requested["challengeId"], otp))["document"][
        "id"
    ]

    await priya(queries.DELETE_UPLOAD, id=original_id)
    copy = await my_upload(priya, copy_id)

    assert copy["signedFrom"] is None
    assert copy["signature"]["valid"] is True
    assert (await my_uploads(priya))["storage"]["usedBytes"] == copy["size"]


async def test_esign_needs_a_linked_aadhaar(
    api: Api, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    await api.new_resident("9876501234", "nisha")
    photo = samples.write_id_photo(tmp_path / "photo.jpg").read_bytes()
    file_id = await upload(api, client, "Passport photo.jpg", photo)
    texts_before = len(api.sms.messages)

    requested = await request_esign(api, file_id)

    assert requested["code"] == "AADHAAR_NOT_LINKED"
    assert len(api.sms.messages) == texts_before


async def test_a_wrong_otp_creates_nothing_and_the_right_one_still_works(
    priya: Api, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    agreement = samples.write_rent_agreement(tmp_path / "a.pdf").read_bytes()
    original_id = await upload(priya, client, "Rent agreement.pdf", agreement)
    requested = await request_esign(priya, original_id)
    otp = last_otp(priya, sandbox_resident(PRIYA)["mobile"])
    wrong = "000000" if otp != "000000" else "111111"

    refused = await confirm_esign(priya, requested["challengeId"], wrong)
    after_refusal = await my_uploads(priya)
    accepted = await confirm_esign(priya, requested["challengeId"], otp)

    assert refused["code"] == "OTP_INVALID"
    assert after_refusal["uploads"]["totalCount"] == 1
    assert after_refusal["storage"]["usedBytes"] == len(agreement)
    assert accepted["document"]["name"] == "Rent agreement (self-attested).pdf"


async def test_another_residents_challenge_is_refused_even_with_its_code(
    priya: Api, other_api: Api, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    await other_api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")
    agreement = samples.write_rent_agreement(tmp_path / "a.pdf").read_bytes()
    original_id = await upload(priya, client, "Rent agreement.pdf", agreement)
    requested = await request_esign(priya, original_id)
    otp = last_otp(priya, sandbox_resident(PRIYA)["mobile"])

    wrong = f"{(int(otp) + 1) % 1_000_000:06d}"
    burnt = [
        await confirm_esign(other_api, requested["challengeId"], wrong)
        for _ in range(6)
    ]
    taken = await confirm_esign(other_api, requested["challengeId"], otp)

    assert {answer["code"] for answer in burnt} == {"OTP_CHALLENGE_NOT_FOUND"}
    assert taken["code"] == "OTP_CHALLENGE_NOT_FOUND"
    assert (await my_uploads(other_api))["uploads"]["totalCount"] == 0
    assert (await my_uploads(other_api))["storage"]["usedBytes"] == 0
    # Priya's own code still works: Aarav neither spent nor burnt her tries.
    signed = await confirm_esign(priya, requested["challengeId"], otp)
    assert "document" in signed, signed
    assert (await my_uploads(priya))["uploads"]["totalCount"] == 2
