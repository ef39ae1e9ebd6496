"""Residents' own files through the API, as a frontend would use it.

``startUpload`` over GraphQL, then the bytes with ``PUT`` to the URL it gives
(the same in-process app), then the files through ``me`` and the download
links. Every refusal is checked for its stable code and for leaving nothing
behind: no listed file, no counted byte, no object or scratch file on disk.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest
from gql.transport.exceptions import TransportQueryError

from config.settings import Settings
from demo import queries
from services.clock import FrozenClock
from tests.api.conftest import Api
from tests.uploads import samples

MIB = 1024 * 1024
GIB = 1024 * MIB
# An operator may give more than GraphQL's 32-bit Int could count.
QUOTA = 5 * GIB
ANANYA = "9880067890"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings with a 5 GiB quota per resident."""
    return settings.model_copy(update={"quota_bytes": QUOTA})


@pytest.fixture
def rent_agreement(tmp_path: Path) -> bytes:
    return samples.write_rent_agreement(
        tmp_path / "agreement.pdf", pages=2
    ).read_bytes()


@pytest.fixture
def id_photo(tmp_path: Path) -> bytes:
    return samples.write_id_photo(tmp_path / "photo.jpg").read_bytes()


@pytest.fixture
def marksheet_scan(tmp_path: Path) -> bytes:
    return samples.write_marksheet_scan(tmp_path / "marksheet.png").read_bytes()


async def start_upload(api: Api, name: str, size: int, **extra: Any) -> dict[str, Any]:
    started: dict[str, Any] = (
        await api(queries.START_UPLOAD, input={"name": name, "size": size, **extra})
    )["startUpload"]
    return started


async def put(
    client: httpx.AsyncClient, url: str, body: bytes, token: str | None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.put(url, content=body, headers=headers)


async def upload(
    api: Api, client: httpx.AsyncClient, name: str, body: bytes, **extra: Any
) -> str:
    """Upload ``body`` as ``name`` the way a frontend does; the new file's id."""
    started = await start_upload(api, name, len(body), **extra)
    assert "uploadUrl" in started, started
    response = await put(client, started["uploadUrl"], body, api.token)
    assert response.status_code == 201, response.text
    file_id: str = response.json()["id"]
    return file_id


async def my_uploads(api: Api, **variables: Any) -> dict[str, Any]:
    me: dict[str, Any] = (await api(queries.MY_UPLOADS, **variables))["me"]
    return me


async def my_upload(api: Api, file_id: str, **variables: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await api(queries.MY_UPLOAD, id=file_id, **variables))[
        "me"
    ]["upload"]
    return found


def names(me: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in me["uploads"]["edges"]]


def leftovers(settings: Settings) -> list[str]:
    """Files of uploads on disk: stored objects and scratch copies, at any depth."""
    found = []
    for folder in (settings.objects_dir / "uploads", settings.scratch_dir):
        if folder.exists():
            found += [str(path) for path in folder.rglob("*") if path.is_file()]
    return found


async def assert_nothing_kept(api: Api, settings: Settings) -> None:
    me = await my_uploads(api)
    assert me["uploads"]["totalCount"] == 0
    assert me["storage"]["usedBytes"] == 0
    assert leftovers(settings) == []


async def test_an_uploaded_file_is_listed_counted_and_downloaded_intact(
    api: Api, client: httpx.AsyncClient, rent_agreement: bytes, clock: FrozenClock
) -> None:
    await api.new_resident(ANANYA, "ananya")

    started = await start_upload(
        api,
        "Rent agreement Baner.pdf",
        len(rent_agreement),
        folder="Home/Pune flat",
        description="Leave and licence, June 2024 to April 2025",
    )
    stored = await put(client, started["uploadUrl"], rent_agreement, api.token)
    me = await my_uploads(api)
    found = await my_upload(api, started["upload"]["id"])
    download = await client.get(found["downloadUrl"]["url"])

    assert started["method"] == "PUT"
    assert started["maxBytes"] == len(rent_agreement)
    assert started["upload"]["name"] == "Rent agreement Baner.pdf"
    assert datetime.fromisoformat(started["expiresAt"]) > clock.now()
    assert stored.status_code == 201
    assert stored.json()["sha256"] == hashlib.sha256(rent_agreement).hexdigest()
    assert me["uploads"]["totalCount"] == 1
    node = me["uploads"]["edges"][0]["node"]
    assert node == {key: found[key] for key in node}
    assert node["id"] == started["upload"]["id"]
    assert node["folder"] == "Home/Pune flat"
    assert node["description"] == "Leave and licence, June 2024 to April 2025"
    assert node["size"] == len(rent_agreement)
    assert node["contentType"] == "application/pdf"
    assert node["sha256"] == hashlib.sha256(rent_agreement).hexdigest()
    assert node["pages"] == 2
    assert node["docType"] is None
    assert node["selfAttestation"] is None
    assert found["signedFrom"] is None
    assert me["uploadFolders"] == ["Home/Pune flat"]
    assert me["storage"] == {
        "usedBytes": len(rent_agreement),
        "quotaBytes": QUOTA,
        "availableBytes": QUOTA - len(rent_agreement),
        "maxFileBytes": 10 * MIB,
    }
    assert download.status_code == 200
    assert download.content == rent_agreement
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert (
        'filename="Rent agreement Baner.pdf"' in download.headers["content-disposition"]
    )
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_an_inline_link_asks_the_browser_to_show_the_photo(
    api: Api, client: httpx.AsyncClient, id_photo: bytes
) -> None:
    await api.new_resident(ANANYA, "ananya")
    file_id = await upload(api, client, "Passport photo.jpg", id_photo)

    found = await my_upload(api, file_id, inline=True)
    shown = await client.get(found["downloadUrl"]["url"])

    assert shown.status_code == 200
    assert shown.content == id_photo
    assert shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["content-disposition"].startswith("inline;")
    assert found["pages"] is None
    assert found["signature"]["valid"] is False


@pytest.mark.parametrize(
    ("size", "code"),
    [(0, "EMPTY_FILE"), (10 * MIB + 1, "FILE_TOO_LARGE")],
    ids=["empty", "10 MiB and one byte"],
)
async def test_a_size_out_of_bounds_is_refused_before_any_byte_is_sent(
    api: Api, settings: Settings, size: int, code: str
) -> None:
    await api.new_resident(ANANYA, "ananya")

    started = await start_upload(api, "Rent agreement.pdf", size)

    assert started["code"] == code
    assert started["field"] == "size"
    await assert_nothing_kept(api, settings)


async def test_a_negative_size_is_not_a_byte_count(api: Api) -> None:
    await api.new_resident(ANANYA, "ananya")

    with pytest.raises(TransportQueryError, match="ByteCount"):
        await start_upload(api, "Rent agreement.pdf", -1)


async def test_a_body_of_10_mib_and_one_byte_is_refused_before_it_is_read(
    api: Api, client: httpx.AsyncClient, settings: Settings, rent_agreement: bytes
) -> None:
    await api.new_resident(ANANYA, "ananya")
    started = await start_upload(api, "Rent agreement.pdf", len(rent_agreement))

    too_large = await put(
        client, started["uploadUrl"], b"%PDF-" + bytes(10 * MIB - 4), api.token
    )
    again = await put(client, started["uploadUrl"], rent_agreement, api.token)

    assert too_large.status_code == 413
    assert too_large.json()["code"] == "FILE_TOO_LARGE"
    # The refused upload is over, its reservation given back, like any other.
    assert again.status_code == 404
    await assert_nothing_kept(api, settings)


async def test_a_body_longer_than_declared_is_refused_and_nothing_kept(
    api: Api, client: httpx.AsyncClient, settings: Settings, rent_agreement: bytes
) -> None:
    await api.new_resident(ANANYA, "ananya")
    started = await start_upload(api, "Rent agreement.pdf", len(rent_agreement) - 1)

    response = await put(client, started["uploadUrl"], rent_agreement, api.token)
    again = await put(client, started["uploadUrl"], rent_agreement[:-1], api.token)

    assert response.status_code == 400
    assert response.json()["code"] == "UPLOAD_INCOMPLETE"
    # The server closes the connection rather than read the rest of a body.
    assert response.headers["connection"] == "close"
    assert again.status_code == 404
    assert again.json()["code"] == "UPLOAD_NOT_FOUND"
    await assert_nothing_kept(api, settings)


async def test_a_streamed_body_is_cut_off_once_it_passes_the_declared_size(
    api: Api, client: httpx.AsyncClient, settings: Settings, rent_agreement: bytes
) -> None:
    await api.new_resident(ANANYA, "ananya")
    started = await start_upload(api, "Rent agreement.pdf", len(rent_agreement))
    sent: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        while True:
            piece = rent_agreement[:4096]
            sent.append(len(piece))
            yield piece
            if sum(sent) > 100 * MIB:
                return

    response = await client.put(
        started["uploadUrl"],
        content=endless(),
        headers={"Authorization": f"Bearer {api.token}"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "UPLOAD_INCOMPLETE"
    assert sum(sent) < len(rent_agreement) + 2 * 4096
    await assert_nothing_kept(api, settings)


def _png_named_pdf(folder: Path) -> tuple[str, bytes]:
    return "Class XII marksheet.pdf", samples.write_marksheet_scan(
        folder / "scan.png"
    ).read_bytes()


def _truncated_pdf(folder: Path) -> tuple[str, bytes]:
    agreement = samples.write_rent_agreement(folder / "agreement.pdf")
    cut = samples.write_truncated_copy(agreement, folder / "cut.pdf", keep=0.6)
    return "Rent agreement.pdf", cut.read_bytes()


def _png_bomb(folder: Path) -> tuple[str, bytes]:
    bomb = samples.write_png_bomb(folder / "bomb.png", 30_000, 30_000)
    return "Aadhaar-less ID photo.png", bomb.read_bytes()


def _encrypted_pdf(folder: Path) -> tuple[str, bytes]:
    locked = samples.write_encrypted_pdf(folder / "locked.pdf")
    return "Rent agreement (locked).pdf", locked.read_bytes()


def _word_document(folder: Path) -> tuple[str, bytes]:
    document = samples.write_word_document(folder / "agreement.docx")
    return "Rent agreement.pdf", document.read_bytes()


@pytest.mark.parametrize(
    ("make", "code", "status"),
    [
        (_png_named_pdf, "FILE_TYPE_MISMATCH", 415),
        (_truncated_pdf, "FILE_DAMAGED", 422),
        (_png_bomb, "IMAGE_TOO_LARGE", 422),
        (_encrypted_pdf, "FILE_ENCRYPTED", 422),
        (_word_document, "UNSUPPORTED_FILE_TYPE", 415),
    ],
    ids=["png named pdf", "truncated pdf", "png bomb", "encrypted pdf", "docx"],
)
async def test_bad_content_is_refused_with_its_code_and_nothing_is_kept(
    api: Api,
    client: httpx.AsyncClient,
    settings: Settings,
    tmp_path: Path,
    make: Any,
    code: str,
    status: int,
) -> None:
    await api.new_resident(ANANYA, "ananya")
    name, body = make(tmp_path)
    started = await start_upload(api, name, len(body))

    response = await put(client, started["uploadUrl"], body, api.token)

    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    await assert_nothing_kept(api, settings)


async def test_a_name_with_a_path_and_control_characters_is_shown_cleaned(
    api: Api, client: httpx.AsyncClient, id_photo: bytes
) -> None:
    await api.new_resident(ANANYA, "ananya")
    typed = '../../etc/"Ananya\x00 photo\u202egpj.exe\r\n.jpg'

    file_id = await upload(api, client, typed, id_photo)
    found = await my_upload(api, file_id)
    download = await client.get(found["downloadUrl"]["url"])
    disposition = download.headers["content-disposition"]

    assert found["name"] == '"Ananya photogpj.exe .jpg'
    assert "/" not in found["name"]
    assert download.status_code == 200
    assert download.content == id_photo
    assert 'filename="_Ananya photogpj.exe .jpg"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == found["name"]
    assert not any(character in disposition for character in "\r\n\x00\u202e")


@pytest.mark.parametrize(
    ("name", "folder", "code"),
    [
        ("\x00\u202e../", "", "INVALID_FILE_NAME"),
        ("Rent agreement.pdf", "Home/../../keys", "INVALID_FOLDER"),
    ],
    ids=["nothing left of the name", "dot-dot folder"],
)
async def test_a_name_or_folder_that_cannot_be_cleaned_is_refused(
    api: Api, settings: Settings, name: str, folder: str, code: str
) -> None:
    await api.new_resident(ANANYA, "ananya")

    started = await start_upload(api, name, 1000, folder=folder)

    assert started["code"] == code
    await assert_nothing_kept(api, settings)


async def test_bytes_need_the_session_token_and_go_only_to_the_resident_who_started(
    api: Api, other_api: Api, client: httpx.AsyncClient, rent_agreement: bytes
) -> None:
    await api.new_resident(ANANYA, "ananya")
    await other_api.new_resident("9810012345", "aarav")
    started = await start_upload(api, "Rent agreement.pdf", len(rent_agreement))
    url = started["uploadUrl"]

    anonymous = await put(client, url, rent_agreement, None)
    wrong_scheme = await client.put(
        url, content=rent_agreement, headers={"Authorization": f"Token {api.token}"}
    )
    someone_else = await put(client, url, rent_agreement, other_api.token)
    owner = await put(client, url, rent_agreement, api.token)

    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "NOT_AUTHENTICATED"
    assert wrong_scheme.status_code == 401
    assert someone_else.status_code == 404
    assert someone_else.json()["code"] == "UPLOAD_NOT_FOUND"
    assert owner.status_code == 201
    assert (await my_uploads(other_api))["uploads"]["totalCount"] == 0


async def test_a_second_put_to_the_same_upload_is_refused_and_the_first_stays(
    api: Api, client: httpx.AsyncClient, rent_agreement: bytes
) -> None:
    await api.new_resident(ANANYA, "ananya")
    started = await start_upload(api, "Rent agreement.pdf", len(rent_agreement))
    first = await put(client, started["uploadUrl"], rent_agreement, api.token)

    second = await put(client, started["uploadUrl"], rent_agreement, api.token)
    me = await my_uploads(api)

    assert first.status_code == 201
    assert second.status_code == 404
    assert second.json()["code"] == "UPLOAD_NOT_FOUND"
    assert me["uploads"]["totalCount"] == 1
    assert me["storage"]["usedBytes"] == len(rent_agreement)


async def test_an_upload_never_sent_gives_its_space_back_when_its_time_runs_out(
    api: Api,
    client: httpx.AsyncClient,
    clock: FrozenClock,
    settings: Settings,
    rent_agreement: bytes,
) -> None:
    await api.new_resident(ANANYA, "ananya")
    started = await start_upload(api, "Rent agreement.pdf", len(rent_agreement))
    reserved = (await my_uploads(api))["storage"]["usedBytes"]

    clock.advance(settings.upload_window_seconds + 1)
    await api.log_in("ananya")
    late = await put(client, started["uploadUrl"], rent_agreement, api.token)

    assert reserved == len(rent_agreement)
    assert late.status_code == 404
    assert late.json()["code"] == "UPLOAD_NOT_FOUND"
    await assert_nothing_kept(api, settings)


async def test_a_file_is_renamed_moved_described_retyped_and_deleted(
    api: Api,
    client: httpx.AsyncClient,
    clock: FrozenClock,
    settings: Settings,
    marksheet_scan: bytes,
    id_photo: bytes,
) -> None:
    await api.new_resident(ANANYA, "ananya")
    file_id = await upload(api, client, "scan0042.png", marksheet_scan)
    photo_id = await upload(api, client, "Passport photo.jpg", id_photo)
    link = (await my_upload(api, file_id))["downloadUrl"]["url"]
    clock.advance(60)

    updated = (
        await api(
            queries.UPDATE_UPLOAD,
            id=file_id,
            input={
                "name": "Class XII marksheet.png",
                "folder": "Education/CBSE",
                "description": "Senior School Certificate Examination 2024",
                "docType": "hscer",
            },
        )
    )["updateUpload"]["document"]
    unknown_type = (
        await api(queries.UPDATE_UPLOAD, id=file_id, input={"docType": "MARKS"})
    )["updateUpload"]
    cleared = (
        await api(queries.UPDATE_UPLOAD, id=file_id, input={"clearDocType": True})
    )["updateUpload"]["document"]
    deleted = (await api(queries.DELETE_UPLOAD, id=file_id))["deleteUpload"]
    gone = await my_upload(api, file_id)
    stale_link = await client.get(link)
    me = await my_uploads(api)

    assert updated["name"] == "Class XII marksheet.png"
    assert updated["folder"] == "Education/CBSE"
    assert updated["description"] == "Senior School Certificate Examination 2024"
    assert updated["docType"] == "HSCER"
    assert datetime.fromisoformat(updated["updatedAt"]) == clock.now()
    assert datetime.fromisoformat(updated["createdAt"]) < clock.now()
    assert updated["sha256"] == hashlib.sha256(marksheet_scan).hexdigest()
    assert unknown_type["code"] == "UNKNOWN_DOC_TYPE"
    assert cleared["docType"] is None
    assert cleared["name"] == "Class XII marksheet.png"
    assert deleted["id"] == file_id
    assert deleted["storage"]["usedBytes"] == len(id_photo)
    assert gone["code"] == "DOCUMENT_NOT_FOUND"
    assert stale_link.status_code == 404
    assert names(me) == ["Passport photo.jpg"]
    assert me["uploads"]["edges"][0]["node"]["id"] == photo_id
    assert me["storage"]["usedBytes"] == len(id_photo)
    assert me["uploadFolders"] == [""]


async def test_files_are_listed_newest_first_in_pages_and_filtered(
    api: Api,
    client: httpx.AsyncClient,
    clock: FrozenClock,
    rent_agreement: bytes,
    id_photo: bytes,
    marksheet_scan: bytes,
) -> None:
    await api.new_resident(ANANYA, "ananya")
    for name, body, extra in (
        ("Rent agreement.pdf", rent_agreement, {"folder": "Home"}),
        ("Passport photo.jpg", id_photo, {}),
        ("Class XII marksheet.png", marksheet_scan, {"folder": "Education"}),
        (
            "Marksheet (attested copy).pdf",
            rent_agreement,
            {"folder": "Education", "docType": "HSCER"},
        ),
    ):
        await upload(api, client, name, body, **extra)
        clock.advance(60)

    first = await my_uploads(api, first=3)
    rest = await my_uploads(
        api, first=3, after=first["uploads"]["pageInfo"]["endCursor"]
    )
    in_education = await my_uploads(api, folder="Education")
    at_top = await my_uploads(api, folder="")
    higher_secondary = await my_uploads(api, docType="HSCER")
    pdfs = await my_uploads(api, contentType="application/pdf")
    attested = await my_uploads(api, selfAttested=True)
    not_attested = await my_uploads(api, selfAttested=False)
    marksheets = await my_uploads(api, nameContains="MARKSHEET")
    both = await my_uploads(api, folder="Education", contentType="image/png")

    assert names(first) == [
        "Marksheet (attested copy).pdf",
        "Class XII marksheet.png",
        "Passport photo.jpg",
    ]
    assert first["uploads"]["pageInfo"]["hasNextPage"] is True
    assert first["uploads"]["totalCount"] == 4
    assert names(rest) == ["Rent agreement.pdf"]
    assert rest["uploads"]["pageInfo"]["hasNextPage"] is False
    assert names(in_education) == [
        "Marksheet (attested copy).pdf",
        "Class XII marksheet.png",
    ]
    assert in_education["uploads"]["totalCount"] == 2
    assert names(at_top) == ["Passport photo.jpg"]
    assert names(higher_secondary) == ["Marksheet (attested copy).pdf"]
    assert names(pdfs) == ["Marksheet (attested copy).pdf", "Rent agreement.pdf"]
    assert names(attested) == []
    assert len(names(not_attested)) == 4
    assert names(marksheets) == [
        "Marksheet (attested copy).pdf",
        "Class XII marksheet.png",
    ]
    assert names(both) == ["Class XII marksheet.png"]
    assert first["uploadFolders"] == ["", "Education", "Home"]


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"first": 5, "after": "not a cursor"}, "INVALID_CURSOR"),
        ({"first": 0}, "INVALID_ARGUMENT"),
        ({"first": 101}, "INVALID_ARGUMENT"),
    ],
)
async def test_a_bad_page_of_uploads_is_refused_with_its_code(
    api: Api, client: httpx.AsyncClient, variables: dict[str, Any], code: str
) -> None:
    await api.new_resident(ANANYA, "ananya")

    response = await client.post(
        "/graphql",
        json={"query": queries.MY_UPLOADS, "variables": variables},
        headers={"authorization": f"Bearer {api.token}"},
    )
    result = response.json()

    assert result["data"]["me"]["uploads"] is None
    assert result["data"]["me"]["storage"]["usedBytes"] == 0
    assert result["errors"][0]["extensions"]["code"] == code


async def test_a_link_opens_only_its_own_file_and_only_until_it_expires(
    api: Api,
    other_api: Api,
    client: httpx.AsyncClient,
    clock: FrozenClock,
    settings: Settings,
    rent_agreement: bytes,
    id_photo: bytes,
) -> None:
    await api.new_resident(ANANYA, "ananya")
    await other_api.new_resident("9810012345", "aarav")
    mine = await upload(api, client, "Rent agreement.pdf", rent_agreement)
    theirs = await upload(other_api, client, "Passport photo.jpg", id_photo)
    link = (await my_upload(api, mine))["downloadUrl"]
    token = parse_qs(urlsplit(link["url"]).query)["token"][0]

    on_their_file = await client.get(f"/uploads/{theirs}", params={"token": token})
    no_token = await client.get(f"/uploads/{theirs}")
    in_time = await client.get(link["url"])
    clock.advance(settings.download_link_seconds + 1)
    expired = await client.get(link["url"])

    assert on_their_file.status_code == 403
    assert on_their_file.json()["code"] == "LINK_EXPIRED"
    assert no_token.status_code == 403
    assert in_time.status_code == 200
    assert in_time.content == rent_agreement
    assert datetime.fromisoformat(link["expiresAt"]) < clock.now()
    assert expired.status_code == 403
    assert expired.json()["code"] == "LINK_EXPIRED"


async def test_another_resident_never_sees_or_touches_my_files(
    api: Api,
    other_api: Api,
    client: httpx.AsyncClient,
    rent_agreement: bytes,
) -> None:
    await api.new_resident(ANANYA, "ananya", aadhaar_of="Ananya Iyer")
    await other_api.new_resident("9810012345", "aarav", aadhaar_of="Aarav Sharma")
    mine = await upload(
        api, client, "Rent agreement.pdf", rent_agreement, folder="Home"
    )

    theirs = await my_uploads(other_api)
    filtered = await my_uploads(other_api, folder="Home", nameContains="Rent")
    looked_up = await my_upload(other_api, mine)
    renamed = (
        await other_api(queries.UPDATE_UPLOAD, id=mine, input={"name": "mine.pdf"})
    )["updateUpload"]
    deleted = (await other_api(queries.DELETE_UPLOAD, id=mine))["deleteUpload"]
    esign = (await other_api(queries.REQUEST_ESIGN, id=mine))["requestEsign"]
    still_mine = await my_upload(api, mine)

    assert theirs["uploads"]["totalCount"] == 0
    assert theirs["uploadFolders"] == []
    assert theirs["storage"]["usedBytes"] == 0
    assert filtered["uploads"]["totalCount"] == 0
    assert looked_up["code"] == "DOCUMENT_NOT_FOUND"
    assert renamed["code"] == "DOCUMENT_NOT_FOUND"
    assert deleted["code"] == "DOCUMENT_NOT_FOUND"
    assert esign["code"] == "DOCUMENT_NOT_FOUND"
    assert still_mine["name"] == "Rent agreement.pdf"
    assert (await my_uploads(api))["storage"]["usedBytes"] == len(rent_agreement)


@pytest.mark.parametrize("literal", ["-5", "1e3", "100.0", '"12"', "true", "9" * 23])
async def test_a_bad_size_written_into_the_query_is_a_validation_error(
    api: Api, client: httpx.AsyncClient, literal: str
) -> None:
    await api.new_resident(ANANYA, "ananya")
    query = (
        'mutation { startUpload(input: {name: "Rent agreement.pdf", size: '
        f"{literal}}}) {{ __typename }} }}"
    )

    response = await client.post(
        "/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {api.token}"},
    )

    errors = response.json()["errors"]
    assert "ByteCount" in errors[0]["message"]
    assert "Unexpected error" not in errors[0]["message"]
