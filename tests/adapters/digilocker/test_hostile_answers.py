"""An issuer that answers badly: malformed, hostile, huge, slow, absent or lying."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from adapters.digilocker import (
    AnswerProblem,
    IssuerAnswerRefused,
    PullPending,
    digilocker_adapter,
)
from adapters.sdk import IssuerAdapter, IssuerUnavailable
from tests.adapters.digilocker.conftest import AARTI_IDENTITY, ConfigFactory
from tests.adapters.digilocker.issuer import BoardService
from tests.support.server import free_port

AARTI_LOOKUP = {"seatNumber": "M240318", "year": "2024"}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE PullURIResponse [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<PullURIResponse><ResponseStatus Status="1">&lol9;</ResponseStatus></PullURIResponse>
"""


def _found_answer(data_content: bytes, *, uri: str = "", txn: str = "") -> bytes:
    encoded = base64.b64encode(data_content).decode()
    return (
        '<PullURIResponse xmlns:ns2="http://tempuri.org/">'
        f'<ResponseStatus Status="1" txn="{txn}">1</ResponseStatus>'
        "<DocDetails><IssuedTo><Persons>"
        '<Person name="Aarti Sunil Deshmukh" dob="14-03-2006" gender="F"/>'
        "</Persons></IssuedTo>"
        f"<URI>{uri or 'in.gov.mahahsscboard-HSCER-M2403182024'}</URI>"
        f"<DataContent>{encoded}</DataContent>"
        "</DocDetails></PullURIResponse>"
    ).encode()


async def _refusal(adapter: IssuerAdapter) -> IssuerAnswerRefused:
    with pytest.raises(IssuerAnswerRefused) as raised:
        await adapter.lookup("HSCER", AARTI_LOOKUP, AARTI_IDENTITY)
    return raised.value


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><PullURIResponse><ResponseStatus Status="1"',
        b"Service Temporarily Unavailable",
        b"",
    ],
    ids=["truncated", "plain-text", "empty"],
)
async def test_malformed_xml_is_refused(
    adapter: IssuerAdapter, board: BoardService, body: bytes
) -> None:
    board.raw_answer = body

    refusal = await _refusal(adapter)

    assert refusal.problem is AnswerProblem.XML
    assert refusal.code == "ISSUER_UNAVAILABLE"
    assert "cannot use" in refusal.message


async def test_a_doctype_with_entities_is_refused(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    board.raw_answer = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY found "1">]>'
        b'<PullURIResponse><ResponseStatus Status="&found;"/></PullURIResponse>'
    )

    refusal = await _refusal(adapter)

    assert refusal.problem is AnswerProblem.XML
    assert "DOCTYPE" in refusal.detail


async def test_billion_laughs_is_refused_without_expanding(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    board.raw_answer = BILLION_LAUGHS

    refusal = await _refusal(adapter)

    assert refusal.problem is AnswerProblem.XML


async def test_external_entities_are_never_fetched_or_read(
    adapter: IssuerAdapter, board: BoardService, board_url: str, tmp_path: Path
) -> None:
    secret = tmp_path / "api-key.txt"
    secret.write_text("1")
    board.raw_answer = (
        '<?xml version="1.0"?><!DOCTYPE r ['
        f'<!ENTITY remote SYSTEM "{board_url}/entity">'
        f'<!ENTITY local SYSTEM "file://{secret}">]>'
        '<PullURIResponse><ResponseStatus Status="&remote;&local;"/></PullURIResponse>'
    ).encode()

    refusal = await _refusal(adapter)

    assert refusal.problem is AnswerProblem.XML
    assert board.external_entity_hits == 0


async def test_hostile_xml_inside_data_content_is_refused(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    board.raw_answer = _found_answer(BILLION_LAUGHS.replace(b"PullURIResponse", b"C"))

    refusal = await _refusal(adapter)

    assert refusal.problem is AnswerProblem.XML
    assert refusal.detail.startswith("DataContent")


@pytest.mark.parametrize("declares_length", [False, True], ids=["streamed", "declared"])
async def test_an_answer_over_the_size_bound_is_refused_unread(
    make_config: ConfigFactory, board: BoardService, declares_length: bool
) -> None:
    board.flood_bytes = 8_000_000
    board.flood_declares_length = declares_length
    adapter = digilocker_adapter(make_config(max_response_bytes=64_000))

    refusal = await _refusal(adapter)

    assert refusal.problem is AnswerProblem.TOO_LARGE
    # Refused from the header when the issuer declares the length, else
    # while streaming, as soon as the bound is passed.
    assert ("Content-Length" in refusal.detail) is declares_length


async def test_a_slow_issuer_times_out(
    make_config: ConfigFactory, board: BoardService
) -> None:
    board.stall = True  # holds every request until the test ends
    adapter = digilocker_adapter(make_config(read_timeout_seconds=0.2))

    with pytest.raises(IssuerUnavailable) as raised:
        await adapter.lookup("HSCER", AARTI_LOOKUP, AARTI_IDENTITY)

    assert "did not answer in time" in raised.value.message
    assert not isinstance(raised.value, IssuerAnswerRefused | PullPending)


async def test_an_issuer_that_trickles_bytes_is_cut_off_at_the_deadline(
    make_config: ConfigFactory, board: BoardService
) -> None:
    board.trickle = True  # a byte every 50 ms, well inside the read timeout
    adapter = digilocker_adapter(
        make_config(read_timeout_seconds=5.0, total_timeout_seconds=0.5)
    )

    with pytest.raises(IssuerUnavailable) as raised:
        await adapter.lookup("HSCER", AARTI_LOOKUP, AARTI_IDENTITY)

    assert "did not answer in time" in raised.value.message


async def test_a_dead_issuer_is_unavailable(make_config: ConfigFactory) -> None:
    adapter = digilocker_adapter(
        make_config(pull_uri_url=f"http://127.0.0.1:{free_port()}/pulluri")
    )

    with pytest.raises(IssuerUnavailable) as raised:
        await adapter.lookup("HSCER", AARTI_LOOKUP, AARTI_IDENTITY)

    assert "could not be reached" in raised.value.message


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            b'<PullURIResponse><ResponseStatus Status="7"/></PullURIResponse>',
            AnswerProblem.SHAPE,
        ),
        (
            b'<PullDocResponse><ResponseStatus Status="0"/></PullDocResponse>',
            AnswerProblem.SHAPE,
        ),
        (
            b'<PullURIResponse xmlns="urn:example:other">'
            b'<ResponseStatus Status="0"/></PullURIResponse>',
            AnswerProblem.SHAPE,
        ),
        (
            b'<PullURIResponse><ResponseStatus Status="0"/>'
            b'<ResponseStatus Status="1"/></PullURIResponse>',
            AnswerProblem.SHAPE,
        ),
        (
            b'<PullURIResponse><ResponseStatus Status="1"/>'
            b"<DocDetails><URI>in.gov.mahahsscboard-HSCER-M2403182024</URI>"
            b"<DataContent>not base64 at all!</DataContent></DocDetails>"
            b"</PullURIResponse>",
            AnswerProblem.SHAPE,
        ),
    ],
    ids=[
        "unknown-status",
        "wrong-message",
        "foreign-namespace",
        "two-statuses",
        "bad-base64",
    ],
)
async def test_answers_of_the_wrong_shape_are_refused(
    adapter: IssuerAdapter, board: BoardService, body: bytes, problem: AnswerProblem
) -> None:
    board.raw_answer = body

    refusal = await _refusal(adapter)

    assert refusal.problem is problem


async def test_a_uri_of_another_issuer_is_refused(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    board.uri_override = "in.gov.cbse-HSCER-240318"

    refusal = await _refusal(adapter)

    assert refusal.problem is AnswerProblem.FOREIGN_URI


async def test_an_answer_to_another_transaction_is_refused(
    adapter: IssuerAdapter, board: BoardService
) -> None:
    board.txn_override = "5d0c2f6e-0000-4000-8000-000000000000"

    refusal = await _refusal(adapter)

    assert refusal.problem is AnswerProblem.TRANSACTION


async def test_a_refused_answer_is_logged_without_document_content(
    adapter: IssuerAdapter, board: BoardService, caplog: pytest.LogCaptureFixture
) -> None:
    board.uri_override = "in.gov.cbse-HSCER-240318"

    await _refusal(adapter)

    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "in.gov.mahahsscboard" in logged
    assert "foreign-uri" in logged
    assert "Aarti" not in logged
    assert "14-03-2006" not in logged
