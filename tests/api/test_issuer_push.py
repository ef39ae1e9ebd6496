"""A DigiLocker-compatible board joins by configuration, and pushes documents.

The board (``tests.adapters.digilocker.issuer``) serves its Pull URI and Pull
Doc API on 127.0.0.1; the locker is configured for it by an issuers file, as
an operator would. Residents are sandbox eKYC residents, matched by the board
through their Aadhaar numbers.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from config.settings import Settings
from demo import queries
from services.clock import FrozenClock
from tests.adapters.digilocker.issuer import API_KEY, BoardService, PushEntry, serving
from tests.adapters.digilocker.records import AARTI, ANANYA, ISSUER_ID, KAVYA
from tests.api.conftest import Api, sandbox_resident
from tests.api.sharing import app_services

PUSH_URL = f"/issuers/{ISSUER_ID}/push-uri"
KAVYA_AADHAAR = sandbox_resident("Kavya Reddy")["aadhaar"]
ANANYA_AADHAAR = sandbox_resident("Ananya Iyer")["aadhaar"]

ISSUERS_FILE = """
[[issuers]]
issuer_id = "in.gov.mahahsscboard"
name = "Maharashtra State Board of Secondary and Higher Secondary Education"
org_id = "openlocker-test"
organization_code = "MSBSHSE"
pull_uri_url = "{url}/pulluri"
{pull_doc}
api_key_env = "MSBSHSE_DIGILOCKER_API_KEY"

[[issuers.doc_types]]
code = "HSCER"
name = "HSC Marksheet"
description = "Higher Secondary Certificate (Class XII) statement of marks."

[[issuers.doc_types.lookup_fields]]
name = "seatNumber"
element = "SeatNo"
label = "Seat number"
example = "M240318"
pattern = "[A-Z][0-9]{{6}}"
uppercase = true

[[issuers.doc_types.lookup_fields]]
name = "year"
element = "Year"
label = "Year of passing"
example = "2024"
pattern = "20[0-9]{{2}}"
"""

PUSH_DOCUMENTS = f"""
mutation Push($documents: [PushedDocumentInput!]!) {{
  pushDocuments(documents: $documents) {{
    __typename
    ... on PushAccepted {{ added updated deleted }}
    ... on PushRefusal {{ problems {{ position code field }} }}
    {queries.PROBLEM}
  }}
}}
"""

ISSUER_ORIGINAL = """
query($uri: String!) { document(uri: $uri) { ... on IssuedDocument {
  content { ... on DocumentContent { status holderName xml issuerXmlBase64 } }
} } }
"""

LOCKER = """
query { me { ... on Resident {
  issuedDocuments(first: 10) { edges { node { uri name pushed } } }
} } }
"""


@pytest.fixture
def board() -> BoardService:
    return BoardService()


@pytest.fixture
def board_url(board: BoardService) -> Iterator[str]:
    with serving(board) as url:
        yield url


@pytest.fixture
def pull_doc() -> bool:
    """Whether the board also serves Pull Doc; a test may say otherwise."""
    return True


@pytest.fixture
def settings(
    settings: Settings,
    tmp_path: Path,
    board_url: str,
    pull_doc: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    issuers_file = tmp_path / "issuers.toml"
    pull_doc_line = f'pull_doc_url = "{board_url}/pulldoc"' if pull_doc else ""
    issuers_file.write_text(ISSUERS_FILE.format(url=board_url, pull_doc=pull_doc_line))
    monkeypatch.setenv("MSBSHSE_DIGILOCKER_API_KEY", API_KEY)
    return settings.model_copy(update={"issuers_file": issuers_file})


async def _push(
    client: httpx.AsyncClient,
    board: BoardService,
    clock: FrozenClock,
    *entries: PushEntry,
    **options: Any,
) -> tuple[int, etree._Element]:
    body, headers = board.push_request(*entries, sent_at=clock.now(), **options)
    response = await client.post(PUSH_URL, content=body, headers=headers)
    return response.status_code, etree.fromstring(response.content)


def _status(answer: etree._Element) -> str:
    return answer.findtext("ResponseStatus") or ""


def _errors(answer: etree._Element) -> list[tuple[str, str]]:
    return [(e.get("position", ""), e.get("code", "")) for e in answer.iter("Error")]


async def _locker(api: Api) -> list[dict[str, Any]]:
    result = await api(LOCKER)
    return [edge["node"] for edge in result["me"]["issuedDocuments"]["edges"]]


async def test_a_configured_board_is_listed_and_serves_a_signed_marksheet(
    api: Api, board: BoardService
) -> None:
    issuers = (await api(queries.ISSUERS))["issuers"]
    listed = next(issuer for issuer in issuers if issuer["id"] == ISSUER_ID)
    assert [doc_type["code"] for doc_type in listed["docTypes"]] == ["HSCER"]

    await api.new_resident("9822104471", "ananya.iyer", aadhaar_of="Ananya Iyer")
    pulled = await api.pull(
        ISSUER_ID, "HSCER", seatNumber=ANANYA.seat_number, year=ANANYA.year
    )
    assert pulled["document"]["uri"] == ANANYA.uri

    document = (await api(ISSUER_ORIGINAL, uri=ANANYA.uri))["document"]
    content = document["content"]
    assert content["holderName"] == "Ananya Iyer"
    assert content["status"] == "ACTIVE"
    assert "SignatureValue" in content["xml"]
    # The board's own certificate XML is kept byte for byte beside the locker's.
    original = base64.b64decode(content["issuerXmlBase64"])
    assert original == board.sent_certificates[-1]


@pytest.mark.parametrize("pull_doc", [False])
async def test_without_pull_doc_the_lockers_copy_is_shown_stale_after_the_cache(
    api: Api, clock: FrozenClock, settings: Settings
) -> None:
    await api.new_resident("9822104479", "ananya.stale", aadhaar_of="Ananya Iyer")
    await api.pull(ISSUER_ID, "HSCER", seatNumber=ANANYA.seat_number, year=ANANYA.year)
    query = """query($uri: String!) { document(uri: $uri) { ... on IssuedDocument {
      content { ... on DocumentContent { stale holderName } ... on Problem { code } }
    } } }"""

    fresh = (await api(query, uri=ANANYA.uri))["document"]["content"]
    clock.advance(settings.document_cache_seconds + 60)
    await api.log_in("ananya.stale")  # the idle session timed out meanwhile
    later = (await api(query, uri=ANANYA.uri))["document"]["content"]

    assert fresh == {"stale": False, "holderName": "Ananya Iyer"}
    assert later == {"stale": True, "holderName": "Ananya Iyer"}


async def test_a_withheld_result_is_pending_then_arrives_by_push(
    api: Api, client: httpx.AsyncClient, board: BoardService, clock: FrozenClock
) -> None:
    await api.new_resident("9822104472", "kavya.reddy", aadhaar_of="Kavya Reddy")
    pending = await api.pull(
        ISSUER_ID, "HSCER", seatNumber=KAVYA.seat_number, year=KAVYA.year
    )
    assert pending["code"] == "PULL_PENDING"
    assert await _locker(api) == []

    board.released.add(KAVYA.uri)  # verification done: the board pushes it
    status, answer = await _push(client, board, clock, PushEntry(KAVYA, KAVYA_AADHAAR))

    assert (status, _status(answer)) == (200, "1")
    assert await _locker(api) == [
        {"uri": KAVYA.uri, "name": "HSC Marksheet 2024", "pushed": True}
    ]
    content = (await api(queries.DOCUMENT, uri=KAVYA.uri))["document"]["content"]
    assert content["holderName"] == "Kavya Reddy"


async def test_a_document_pushed_before_sign_up_appears_when_aadhaar_is_linked(
    api: Api, client: httpx.AsyncClient, board: BoardService, clock: FrozenClock
) -> None:
    status, answer = await _push(
        client, board, clock, PushEntry(ANANYA, ANANYA_AADHAAR)
    )
    assert (status, _status(answer)) == (200, "1")

    await api.new_resident("9822104473", "ananya.i")
    assert await _locker(api) == []
    await api.link_aadhaar("Ananya Iyer")

    assert [document["uri"] for document in await _locker(api)] == [ANANYA.uri]


async def test_the_answer_never_says_whether_a_number_has_an_account(
    api: Api, client: httpx.AsyncClient, board: BoardService, clock: FrozenClock
) -> None:
    await api.new_resident("9822104474", "kavya.r", aadhaar_of="Kavya Reddy")

    holder = await _push(client, board, clock, PushEntry(KAVYA, KAVYA_AADHAAR))
    stranger = await _push(client, board, clock, PushEntry(ANANYA, ANANYA_AADHAAR))

    assert (holder[0], _status(holder[1])) == (stranger[0], _status(stranger[1]))
    assert _errors(holder[1]) == _errors(stranger[1]) == []


async def test_update_renames_and_delete_takes_the_document_out(
    api: Api, client: httpx.AsyncClient, board: BoardService, clock: FrozenClock
) -> None:
    await api.new_resident("9822104475", "kavya.update", aadhaar_of="Kavya Reddy")
    board.released.add(KAVYA.uri)
    await _push(client, board, clock, PushEntry(KAVYA, KAVYA_AADHAAR))

    renamed = PushEntry(KAVYA, KAVYA_AADHAAR, "U", "HSC Marksheet 2024 (revised)")
    status, _ = await _push(client, board, clock, renamed)
    assert status == 200
    assert [d["name"] for d in await _locker(api)] == ["HSC Marksheet 2024 (revised)"]

    status, _ = await _push(client, board, clock, PushEntry(KAVYA, KAVYA_AADHAAR, "D"))
    assert status == 200
    assert await _locker(api) == []


@pytest.mark.parametrize(
    ("api_key", "minutes_ago", "code"),
    [
        ("someone-elses-key-00000000", 0, "INVALID_HMAC"),
        (None, 20, "STALE_REQUEST"),
    ],
)
async def test_a_push_not_signed_now_by_the_board_changes_nothing(
    api: Api,
    client: httpx.AsyncClient,
    board: BoardService,
    clock: FrozenClock,
    api_key: str | None,
    minutes_ago: int,
    code: str,
) -> None:
    await api.new_resident("9822104476", "kavya.hmac", aadhaar_of="Kavya Reddy")
    body, headers = board.push_request(
        PushEntry(KAVYA, KAVYA_AADHAAR),
        sent_at=clock.now() - timedelta(minutes=minutes_ago),
        api_key=api_key,
    )

    response = await client.post(PUSH_URL, content=body, headers=headers)

    assert response.status_code == 401
    assert _errors(etree.fromstring(response.content)) == [("0", code)]
    assert await _locker(api) == []


async def test_hostile_or_malformed_xml_is_refused(
    client: httpx.AsyncClient, board: BoardService
) -> None:
    bodies = [
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<PushUriRequest><UriDetails><Aadhaar>&e;</Aadhaar></UriDetails>"
        b"</PushUriRequest>",
        b"<PushUriRequest><UriDetails><Aadhaar>1</Aadhaar>",
        b"<PullURIRequest/>",
    ]
    for body in bodies:
        _, headers = board.push_request()
        headers["x-digilocker-hmac"] = _hmac(body)
        response = await client.post(PUSH_URL, content=body, headers=headers)

        assert response.status_code == 400
        assert _errors(etree.fromstring(response.content)) == [("0", "MALFORMED_PUSH")]


async def test_a_recorded_push_cannot_be_sent_again(
    api: Api, client: httpx.AsyncClient, board: BoardService, clock: FrozenClock
) -> None:
    await api.new_resident("9822104480", "kavya.replay", aadhaar_of="Kavya Reddy")
    board.released.add(KAVYA.uri)
    added, added_headers = board.push_request(
        PushEntry(KAVYA, KAVYA_AADHAAR), sent_at=clock.now()
    )
    deleted, deleted_headers = board.push_request(
        PushEntry(KAVYA, KAVYA_AADHAAR, "D"), sent_at=clock.now()
    )
    assert (
        await client.post(PUSH_URL, content=added, headers=added_headers)
    ).is_success
    assert (
        await client.post(PUSH_URL, content=deleted, headers=deleted_headers)
    ).is_success
    status, _ = await _push(client, board, clock, PushEntry(KAVYA, KAVYA_AADHAAR))
    assert status == 200  # the board adds it again, in a push of its own

    replayed = await client.post(PUSH_URL, content=deleted, headers=deleted_headers)

    assert replayed.status_code == 409
    assert _errors(etree.fromstring(replayed.content)) == [("0", "REPLAYED_REQUEST")]
    assert [d["uri"] for d in await _locker(api)] == [KAVYA.uri]


@pytest.mark.parametrize("pull_doc", [False])
async def test_an_issuer_that_cannot_fetch_by_uri_is_refused_pushes(
    client: httpx.AsyncClient, board: BoardService, clock: FrozenClock
) -> None:
    status, answer = await _push(client, board, clock, PushEntry(KAVYA, KAVYA_AADHAAR))

    assert (status, _errors(answer)) == (422, [("0", "PUSHES_NOT_ACCEPTED")])


async def test_pushed_names_are_shown_clean_and_bounded(
    api: Api, client: httpx.AsyncClient, board: BoardService, clock: FrozenClock
) -> None:
    await api.new_resident("9822104481", "kavya.names", aadhaar_of="Kavya Reddy")
    disguised = PushEntry(KAVYA, KAVYA_AADHAAR, name="HSC \u202eFDP.exe\u200b  2024")
    too_long = PushEntry(ANANYA, KAVYA_AADHAAR, name="M" * 201)

    status, answer = await _push(client, board, clock, disguised, too_long)
    assert (status, _errors(answer)) == (422, [("2", "INVALID_ARGUMENT")])

    status, _ = await _push(client, board, clock, disguised)
    assert status == 200
    assert [d["name"] for d in await _locker(api)] == ["HSC FDP.exe 2024"]


async def test_the_same_push_sent_at_once_many_times_is_applied_once(
    api: Api, client: httpx.AsyncClient
) -> None:
    await api.new_resident("9822104482", "kavya.race", aadhaar_of="Kavya Reddy")
    resident = Api(app_transport=api.app_transport, sms=api.sms, token=api.token)
    issued = await app_services(client).issuer_tokens.issue(ISSUER_ID)
    issuer = Api(app_transport=api.app_transport, sms=api.sms, token=issued.token)
    document = {
        "aadhaar": KAVYA_AADHAAR,
        "uri": KAVYA.uri,
        "docType": "HSCER",
        "action": "ADD",
    }

    results = await asyncio.gather(
        *(issuer(PUSH_DOCUMENTS, documents=[document]) for _ in range(12))
    )

    assert {r["pushDocuments"]["__typename"] for r in results} == {"PushAccepted"}
    assert [d["uri"] for d in await _locker(resident)] == [KAVYA.uri]


async def test_a_push_over_the_size_bound_is_refused_unread(
    client: httpx.AsyncClient, board: BoardService
) -> None:
    body = b"<PushUriRequest>" + b" " * 300_000 + b"</PushUriRequest>"
    _, headers = board.push_request()
    headers["x-digilocker-hmac"] = _hmac(body)

    response = await client.post(PUSH_URL, content=body, headers=headers)

    assert response.status_code == 413
    assert _errors(etree.fromstring(response.content)) == [("0", "PUSH_TOO_LARGE")]


async def test_one_bad_uri_refuses_the_whole_push(
    api: Api, client: httpx.AsyncClient, board: BoardService, clock: FrozenClock
) -> None:
    await api.new_resident("9822104477", "kavya.bad", aadhaar_of="Kavya Reddy")
    foreign = replace(AARTI, seat_number="M240318", doc_type="PANCR")

    status, answer = await _push(
        client,
        board,
        clock,
        PushEntry(KAVYA, KAVYA_AADHAAR),
        PushEntry(KAVYA, "123412341234"),
        PushEntry(foreign, KAVYA_AADHAAR),
    )

    assert (status, _status(answer)) == (422, "0")
    assert _errors(answer) == [("2", "INVALID_AADHAAR"), ("3", "UNKNOWN_DOC_TYPE")]
    assert await _locker(api) == []


async def test_an_issuer_pushes_through_graphql_with_its_token(
    api: Api, client: httpx.AsyncClient
) -> None:
    await api.new_resident("9822104478", "kavya.gql", aadhaar_of="Kavya Reddy")
    resident = Api(app_transport=api.app_transport, sms=api.sms, token=api.token)
    issued = await app_services(client).issuer_tokens.issue(ISSUER_ID, label="push")
    issuer = Api(app_transport=api.app_transport, sms=api.sms, token=issued.token)
    document = {
        "aadhaar": KAVYA_AADHAAR,
        "uri": KAVYA.uri,
        "docType": "HSCER",
        "action": "ADD",
        "name": "HSC Marksheet 2024",
        "issuedOn": "2024-05-28",
    }

    pushed = (await issuer(PUSH_DOCUMENTS, documents=[document]))["pushDocuments"]
    assert pushed == {
        "__typename": "PushAccepted",
        "added": 1,
        "updated": 0,
        "deleted": 0,
    }
    assert [d["uri"] for d in await _locker(resident)] == [KAVYA.uri]

    refused = (
        await issuer(PUSH_DOCUMENTS, documents=[{**document, "aadhaar": "1234"}])
    )["pushDocuments"]
    assert refused["problems"] == [
        {"position": 1, "code": "INVALID_AADHAAR", "field": "aadhaar"}
    ]

    by_resident = await resident(PUSH_DOCUMENTS, documents=[document])
    assert by_resident["pushDocuments"]["code"] == "ISSUERS_ONLY"
    nobody = Api(app_transport=api.app_transport, sms=api.sms)
    by_nobody = await nobody(PUSH_DOCUMENTS, documents=[document])
    assert by_nobody["pushDocuments"]["code"] == "NOT_AUTHENTICATED"

    await app_services(client).issuer_tokens.revoke(ISSUER_ID)
    revoked = await issuer(PUSH_DOCUMENTS, documents=[document])
    assert revoked["pushDocuments"]["code"] == "NOT_AUTHENTICATED"


def _hmac(body: bytes) -> str:
    digest = hmac.new(API_KEY.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
