"""Malformed and hostile requests get clear refusals, never a crash or a leak."""

from __future__ import annotations

import logging

import httpx
import pytest

from demo import queries
from services.clock import FrozenClock
from tests.api.conftest import Api

LOCKER_PAGE = """query($first: Int!, $after: String) { me { ... on Resident {
    username issuedDocuments(first: $first, after: $after) { totalCount }
} } }"""


async def _post_raw(
    client: httpx.AsyncClient, body: bytes, token: str | None = None
) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return await client.post("/graphql", content=body, headers=headers)


@pytest.mark.parametrize("cursor", ["", "x", "!!!!", "Z2FyYmFnZQ==", "a" * 5000])
async def test_bogus_cursor_is_refused_with_its_code_and_the_rest_answers(
    api: Api, client: httpx.AsyncClient, cursor: str
) -> None:
    await api.new_resident("9810012345", "aarav")

    response = await client.post(
        "/graphql",
        json={"query": LOCKER_PAGE, "variables": {"first": 5, "after": cursor}},
        headers={"authorization": f"Bearer {api.token}"},
    )
    result = response.json()

    assert result["data"]["me"] == {"username": "aarav", "issuedDocuments": None}
    assert result["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


@pytest.mark.parametrize("first", [0, -100, 101])
async def test_page_size_out_of_range_is_refused(
    api: Api, client: httpx.AsyncClient, first: int
) -> None:
    await api.new_resident("9810012345", "aarav")

    response = await client.post(
        "/graphql",
        json={"query": LOCKER_PAGE, "variables": {"first": first}},
        headers={"authorization": f"Bearer {api.token}"},
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"


@pytest.mark.parametrize(
    "body",
    [b"null", b"42", b'"just a string"', b"[1, 2]", b"\xff\xfe{}", b"{not json"],
)
async def test_body_that_is_not_a_json_object_is_a_400(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await _post_raw(client, body)

    assert response.status_code == 400


async def test_text_with_a_lone_surrogate_is_a_400(
    api: Api, client: httpx.AsyncClient
) -> None:
    await api.sign_up("9810012345", "aarav")
    body = (
        b'{"query": "mutation($p: String!) { logIn(identifier: \\"aarav\\", '
        b'password: $p) { __typename } }", "variables": {"p": "a\\ud800b"}}'
    )

    response = await _post_raw(client, body)

    assert response.status_code == 400
    assert "Unicode" in response.text


async def test_oversized_request_is_refused_before_it_is_read(
    client: httpx.AsyncClient,
) -> None:
    huge = b'{"query": "{ stats { issuers } }", "x": "' + b"a" * 100_000 + b'"}'

    response = await _post_raw(client, huge)

    assert response.status_code == 413
    assert response.json()["code"] == "REQUEST_TOO_LARGE"


async def test_secrets_typed_into_a_broken_query_stay_out_of_the_log(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    query = (
        'mutation { logIn(identifier: "aarav", password: "LeakyPassw0rdXYZ") '
        '{ nope } startAadhaarLink(aadhaar: "452760189555") { nope } }'
    )

    response = await client.post("/graphql", json={"query": query})

    assert "errors" in response.json()
    assert "LeakyPassw0rdXYZ" not in caplog.text
    assert "452760189555" not in caplog.text


async def test_expired_session_keeps_saying_so(api: Api, clock: FrozenClock) -> None:
    await api.new_resident("9810012345", "aarav")

    clock.advance(15 * 60 + 1)
    first = await api("{ me { ... on Problem { code } } }")
    second = await api("{ me { ... on Problem { code } } }")

    assert first["me"]["code"] == second["me"]["code"] == "SESSION_EXPIRED"


async def test_problem_fields_name_the_api_arguments(api: Api) -> None:
    started = (await api(queries.START_SIGN_UP, mobile="9810012345"))["startSignUp"]

    wrong = await api(
        queries.VERIFY_SIGN_UP, challengeId=started["challengeId"], otp="00000x"
    )

    assert wrong["verifySignUp"]["field"] == "otp"
