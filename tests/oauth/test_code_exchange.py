"""Exchanging an authorization code at ``POST /oauth/token``, with authlib's client."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime

import httpx
import pytest

from models import Account, Consent
from services.clock import FrozenClock
from services.container import Services
from services.errors import NotAuthenticated
from tests.oauth.conftest import (
    CLASS_X,
    IITM_CALLBACK,
    INTROSPECT_URL,
    MARKSHEET,
    REVOKE_URL,
    TOKEN_URL,
    OAuthError,
    RequesterApp,
    query_of,
)

SCOPE = f"issued/{MARKSHEET}"


async def test_a_requester_exchanges_its_code_for_tokens_under_the_consent(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    location, _ = await iitm.approved(
        meera,
        f"{SCOPE} issued/{CLASS_X}",
        purpose="ADMISSION",
        forms="pdf",
        valid_for_days="14",
    )

    token = await iitm.fetch_token(location)

    consent = await Consent.get(id=token["consent_id"])
    assert query_of(location).keys() == {"code", "state", "iss"}
    assert query_of(location)["iss"] == "http://testserver"
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 600
    assert token["access_token"].startswith("olat_")
    assert token["refresh_token"].startswith("olrt_")
    assert token["scope"] == f"{SCOPE} issued/{CLASS_X}"
    assert datetime.fromisoformat(token["consent_valid_till"]) == consent.valid_until
    assert (consent.account_id, consent.documents[0]["forms"]) == (meera.id, ["pdf"])
    assert iitm.responses[-1].headers["cache-control"] == "no-store"
    access = await services.tokens.authenticate(token["access_token"])
    assert (access.consent_id, access.requester.id) == (consent.id, iitm.requester.id)


async def test_a_wrong_code_verifier_is_refused(
    iitm: RequesterApp, meera: Account
) -> None:
    location, _ = await iitm.approved(meera, SCOPE, purpose="ADMISSION")

    with pytest.raises(OAuthError) as refused:
        await iitm.fetch_token(location, code_verifier="x" * 43)

    assert refused.value.error == "invalid_grant"


async def test_a_missing_code_verifier_is_refused(
    iitm: RequesterApp, meera: Account
) -> None:
    location, _ = await iitm.approved(meera, SCOPE, purpose="ADMISSION")

    with pytest.raises(OAuthError) as refused:
        await iitm.fetch_token(location, code_verifier=None)

    assert refused.value.error == "invalid_request"
    assert "code_verifier" in refused.value.description


async def test_a_code_used_twice_fails_and_revokes_the_tokens_it_gave(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    location, _ = await iitm.approved(meera, SCOPE, purpose="ADMISSION")
    first = await iitm.fetch_token(location)

    with pytest.raises(OAuthError) as refused:
        await iitm.fetch_token(location)

    assert refused.value.error == "invalid_grant"
    with pytest.raises(NotAuthenticated):
        await services.tokens.authenticate(first["access_token"])
    with pytest.raises(OAuthError) as refresh_refused:
        await iitm.refresh(first["refresh_token"])
    assert refresh_refused.value.error == "invalid_grant"


async def test_two_racing_exchanges_of_one_code_give_tokens_once(
    iitm: RequesterApp, meera: Account
) -> None:
    location, _ = await iitm.approved(meera, SCOPE, purpose="ADMISSION")

    results = await asyncio.gather(
        iitm.fetch_token(location), iitm.fetch_token(location), return_exceptions=True
    )

    refused = [result for result in results if isinstance(result, OAuthError)]
    issued = [result for result in results if isinstance(result, dict)]
    assert len(issued) == len(refused) == 1
    assert refused[0].error == "invalid_grant"


async def test_a_code_lasts_one_minute(
    iitm: RequesterApp, meera: Account, clock: FrozenClock
) -> None:
    in_time, _ = await iitm.approved(meera, SCOPE, purpose="ADMISSION")
    too_late, _ = await iitm.approved(meera, SCOPE, purpose="ADMISSION")

    clock.advance(59)
    token = await iitm.fetch_token(in_time)
    clock.advance(2)
    with pytest.raises(OAuthError) as refused:
        await iitm.fetch_token(too_late)

    assert token["access_token"]
    assert refused.value.error == "invalid_grant"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        IITM_CALLBACK + "/",
        IITM_CALLBACK.replace("ac.in/", "ac.in:8443/"),
        IITM_CALLBACK + "?next=/admissions",
    ],
    ids=["trailing-slash", "other-port", "extra-query"],
)
async def test_the_code_is_bound_to_its_exact_redirect_uri(
    iitm: RequesterApp, meera: Account, redirect_uri: str
) -> None:
    location, _ = await iitm.approved(meera, SCOPE, purpose="ADMISSION")

    with pytest.raises(OAuthError) as refused:
        await iitm.fetch_token(location, redirect_uri=redirect_uri)

    assert refused.value.error == "invalid_grant"


async def test_a_code_is_only_good_for_the_requester_it_was_given_to(
    iitm: RequesterApp, passport_office: RequesterApp, meera: Account
) -> None:
    location, _ = await iitm.approved(meera, SCOPE, purpose="ADMISSION")

    with pytest.raises(OAuthError) as refused:
        await passport_office.fetch_token(
            location, code_verifier=iitm.code_verifier, redirect_uri=IITM_CALLBACK
        )

    assert refused.value.error == "invalid_grant"
    assert (await iitm.fetch_token(location))["access_token"]


async def test_a_wrong_client_secret_is_refused_with_401(
    iitm: RequesterApp, meera: Account
) -> None:
    location, _ = await iitm.approved(meera, SCOPE, purpose="ADMISSION")
    iitm.oauth.client_secret = "not-the-secret-the-locker-gave-iit-madras"

    with pytest.raises(OAuthError) as refused:
        await iitm.fetch_token(location)

    assert refused.value.error == "invalid_client"
    assert iitm.responses[-1].status_code == 401
    assert iitm.responses[-1].headers["www-authenticate"].startswith("Basic ")


async def test_a_deactivated_requester_cannot_exchange_its_code(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    location, _ = await iitm.approved(meera, SCOPE, purpose="ADMISSION")
    await services.requesters.deactivate(iitm.requester.client_id or "")

    with pytest.raises(OAuthError) as refused:
        await iitm.fetch_token(location)

    assert refused.value.error == "invalid_client"


async def test_a_consent_revoked_before_the_exchange_gives_no_tokens(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    location, request = await iitm.approved(meera, SCOPE, purpose="ADMISSION")
    consent = await Consent.get(requester_id=request.requester.id)
    await services.consents.revoke(meera, consent.id)

    with pytest.raises(OAuthError) as refused:
        await iitm.fetch_token(location)

    assert refused.value.error == "invalid_grant"


@pytest.mark.parametrize(
    "grant",
    [
        {"grant_type": "password", "username": "meera.krishnan", "password": "x"},
        {"grant_type": "client_credentials"},
        {"grant_type": "implicit"},
    ],
    ids=["password", "client-credentials", "implicit"],
)
async def test_grants_other_than_code_and_refresh_are_unsupported(
    iitm: RequesterApp, grant: dict[str, str]
) -> None:
    with pytest.raises(OAuthError) as refused:
        await iitm.oauth.fetch_token(TOKEN_URL, **grant)

    assert refused.value.error == "unsupported_grant_type"


async def test_the_token_endpoint_reads_only_a_form_with_each_parameter_once(
    client: httpx.AsyncClient,
) -> None:
    as_json = await client.post(
        "/oauth/token", json={"grant_type": "authorization_code", "code": "x"}
    )
    repeated = await client.post(
        "/oauth/token",
        content="grant_type=authorization_code&code=a&code=b",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    by_get = await client.get("/oauth/token")

    assert (as_json.status_code, as_json.json()["error"]) == (400, "invalid_request")
    assert as_json.headers["cache-control"] == "no-store"
    assert repeated.json() == {
        "error": "invalid_request",
        "error_description": "Give each parameter once; repeated: code.",
    }
    assert by_get.status_code == 405


@pytest.mark.parametrize(
    "credentials",
    [
        base64.b64encode(b"\xff\xfe:\xff").decode(),
        base64.b64encode(b"a" * 30_000 + b":secret").decode(),
        "not base64 at all!",
    ],
    ids=["not-utf8", "huge-client-id", "not-base64"],
)
@pytest.mark.parametrize("path", [TOKEN_URL, REVOKE_URL, INTROSPECT_URL])
async def test_unreadable_client_credentials_are_an_invalid_client(
    client: httpx.AsyncClient, credentials: str, path: str
) -> None:
    answer = await client.post(
        path,
        headers={"Authorization": f"Basic {credentials}"},
        data={"grant_type": "refresh_token", "refresh_token": "olrt_x", "token": "x"},
    )

    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert "a" * 100 not in answer.text
