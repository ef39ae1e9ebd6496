"""Finding and fetching documents at a board that serves DigiLocker's Pull URI API."""

from __future__ import annotations

import base64
import hashlib

import pytest

from adapters.digilocker import (
    AnswerProblem,
    ContentFormat,
    DigiLockerDocument,
    IssuerAnswerRefused,
    PullPending,
    RequestNamespace,
    digilocker_adapter,
)
from adapters.sdk import (
    DocumentStatus,
    Gender,
    IssuerAdapter,
    IssuerUnavailable,
    OrganizationType,
    RecordNotFound,
)
from adapters.sdk.schema import validate_certificate
from adapters.sdk.xml import build_certificate
from tests.adapters.digilocker.conftest import (
    AARTI_IDENTITY,
    OMKAR_IDENTITY,
    SAYALI_IDENTITY,
    ConfigFactory,
)
from tests.adapters.digilocker.issuer import (
    API_KEY,
    DIGILOCKER_V1,
    ORG_ID,
    TEMPURI,
    AnswerStyle,
    BoardService,
)
from tests.adapters.digilocker.records import (
    AARTI,
    AARTI_MARKS,
    OMKAR,
    SAYALI,
)


async def test_pull_finds_the_marksheet_and_names_its_holder(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    found = await adapter.lookup(
        "HSCER", {"seatNumber": "m240318", "year": "2024"}, AARTI_IDENTITY
    )

    assert found.uri == "in.gov.mahahsscboard-HSCER-M2403182024"
    assert found.holder is not None
    assert found.holder.name == "Aarti Sunil Deshmukh"
    assert found.holder.dob == AARTI_IDENTITY.dob
    assert found.holder.gender is Gender.FEMALE
    [request] = board.received
    assert request.message == "PullURIRequest"
    assert request.details["DocType"] == "HSCER"
    assert request.details["SeatNo"] == "M240318"
    assert request.details["Year"] == "2024"
    assert request.details["FullName"] == "Aarti Sunil Deshmukh"
    assert request.details["DOB"] == "14-03-2006"
    assert len(request.details["DigiLockerId"]) == 36
    assert request.attributes["orgId"] == ORG_ID
    assert request.attributes["format"] == "xml"


async def test_requests_are_authenticated_with_keyhash_and_raw_digest_hmac(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    await adapter.lookup(
        "HSCER", {"seatNumber": "M240318", "year": "2024"}, AARTI_IDENTITY
    )

    [request] = board.received
    assert request.hmac_valid
    assert request.keyhash_valid
    # The documented choice: base64 of the raw 32-byte digest, not of its hex.
    assert len(base64.b64decode(request.hmac_header)) == 32
    assert request.attributes["ts"].endswith("+05:30")
    assert (
        request.attributes["keyhash"]
        == hashlib.sha256((API_KEY + request.attributes["ts"]).encode()).hexdigest()
    )


async def test_a_date_lookup_is_sent_as_the_issuer_writes_dates(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    found = await adapter.lookup(
        "SSCER", {"seatNumber": "N180772", "dateOfBirth": "2006-11-02"}, OMKAR_IDENTITY
    )

    assert found.uri == OMKAR.uri
    assert board.received[0].details["BirthDate"] == "02-11-2006"


async def test_fetch_translates_the_issuers_certificate_into_a_valid_standard_one(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    found = await adapter.lookup(
        "HSCER", {"seatNumber": "M240318", "year": "2024"}, AARTI_IDENTITY
    )

    document = await adapter.get(found.uri)

    assert isinstance(document, DigiLockerDocument)
    assert document.name == "HSC Marksheet"
    assert document.number == "M240318"
    assert document.status is DocumentStatus.ACTIVE
    assert document.issued_by.name.startswith("Maharashtra State Board")
    assert document.issued_to.mother_name == "Vaishali"
    performance = next(n for n in document.data if n.tag == "Performance")
    assert performance.attributes["marksTotal"] == str(sum(AARTI_MARKS))
    [subjects] = performance.children
    assert [s.attributes["name"] for s in subjects.children][:2] == [
        "English",
        "Marathi",
    ]
    validate_certificate(build_certificate(document))
    assert document.issuer_xml == board.sent_certificates[0]
    assert not document.signature_verified


async def test_a_record_the_board_does_not_have_is_record_not_found(
    adapter: IssuerAdapter,
) -> None:
    with pytest.raises(RecordNotFound) as raised:
        await adapter.lookup(
            "HSCER", {"seatNumber": "M999999", "year": "2024"}, AARTI_IDENTITY
        )

    assert "no record" in raised.value.message


async def test_a_withheld_result_is_pending_with_the_transaction_to_await(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    with pytest.raises(PullPending) as raised:
        await adapter.lookup(
            "HSCER",
            {"seatNumber": SAYALI.seat_number, "year": "2024"},
            SAYALI_IDENTITY,
        )

    assert raised.value.code == "PULL_PENDING"
    assert raised.value.transaction_id == board.received[0].attributes["txn"]
    assert "will send it" in raised.value.message


async def test_a_wrong_api_key_is_refused_by_the_issuer(
    make_config: ConfigFactory, board: BoardService
) -> None:
    adapter = digilocker_adapter(make_config(api_key="not-the-boards-key-0000"))

    with pytest.raises(IssuerAnswerRefused) as raised:
        await adapter.lookup(
            "HSCER", {"seatNumber": "M240318", "year": "2024"}, AARTI_IDENTITY
        )

    assert raised.value.problem is AnswerProblem.CREDENTIALS_REFUSED
    assert not board.received[0].hmac_valid
    assert not board.received[0].keyhash_valid


@pytest.mark.parametrize("style", list(AnswerStyle))
async def test_answers_are_read_in_every_namespace_style(
    adapter: IssuerAdapter, board: BoardService, style: AnswerStyle
) -> None:
    board.style = style

    found = await adapter.lookup(
        "HSCER", {"seatNumber": "M240318", "year": "2024"}, AARTI_IDENTITY
    )
    document = await adapter.get(found.uri)

    assert found.uri == AARTI.uri
    assert document.issued_to.name == AARTI.name


@pytest.mark.parametrize(
    ("namespace", "declared"),
    [
        (RequestNamespace.TEMPURI, TEMPURI),
        (RequestNamespace.DIGILOCKER_V1, DIGILOCKER_V1 + "pullurirequest"),
    ],
)
async def test_requests_declare_the_configured_namespace(
    make_config: ConfigFactory,
    board: BoardService,
    namespace: RequestNamespace,
    declared: str,
) -> None:
    adapter = digilocker_adapter(make_config(namespace=namespace))

    await adapter.lookup(
        "HSCER", {"seatNumber": "M240318", "year": "2024"}, AARTI_IDENTITY
    )

    [request] = board.received
    assert request.declared_namespaces == (declared,)
    assert request.namespace is None  # elements unqualified, as DigiLocker sends


async def test_with_pull_doc_each_fetch_asks_the_issuer_by_uri(
    make_config: ConfigFactory, board: BoardService, board_url: str
) -> None:
    adapter = digilocker_adapter(make_config(pull_doc_url=f"{board_url}/pulldoc"))

    document = await adapter.get(AARTI.uri)

    [request] = board.received
    assert request.message == "PullDocRequest"
    assert request.details["URI"] == AARTI.uri
    assert request.hmac_valid
    assert request.keyhash_valid
    assert document.issued_to.name == AARTI.name


async def test_with_pull_doc_a_uri_the_issuer_no_longer_has_is_not_found(
    make_config: ConfigFactory, board_url: str
) -> None:
    adapter = digilocker_adapter(make_config(pull_doc_url=f"{board_url}/pulldoc"))

    with pytest.raises(RecordNotFound):
        await adapter.get("in.gov.mahahsscboard-HSCER-Z0000002024")


async def test_without_pull_doc_a_document_not_just_found_cannot_be_fetched(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    with pytest.raises(IssuerUnavailable) as raised:
        await adapter.get(AARTI.uri)

    assert "pull it again" in raised.value.message
    assert board.received == []


async def test_both_formats_keep_the_issuers_pdf_as_sent(
    make_config: ConfigFactory, board: BoardService
) -> None:
    board.format_both = True
    adapter = digilocker_adapter(make_config(content_format=ContentFormat.BOTH))

    found = await adapter.lookup(
        "HSCER", {"seatNumber": "M240318", "year": "2024"}, AARTI_IDENTITY
    )
    document = await adapter.get(found.uri)

    assert board.received[0].attributes["format"] == "both"
    assert isinstance(document, DigiLockerDocument)
    assert document.issuer_pdf is not None
    assert document.issuer_pdf.startswith(b"%PDF-1.7")


async def test_identity_is_left_out_when_the_issuer_does_not_want_it(
    make_config: ConfigFactory, board: BoardService
) -> None:
    adapter = digilocker_adapter(make_config(send_identity=False))

    await adapter.lookup(
        "HSCER", {"seatNumber": "M240318", "year": "2024"}, AARTI_IDENTITY
    )

    assert "FullName" not in board.received[0].details
    assert "DOB" not in board.received[0].details


def test_the_adapter_declares_the_configured_issuer_and_search_form(
    adapter: IssuerAdapter,
) -> None:
    assert adapter.issuer_id == "in.gov.mahahsscboard"
    assert [spec.code for spec in adapter.doc_types] == ["HSCER", "SSCER"]
    hsc = adapter.doc_type("HSCER")
    assert [field.name for field in hsc.lookup_fields] == ["seatNumber", "year"]
    assert adapter.organization.name == adapter.name
    assert adapter.organization.code == "MSBSHSE"
    assert adapter.organization.type is OrganizationType.STATE_GOVERNMENT
