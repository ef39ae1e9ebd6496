"""Refreshing rotates the pair; revoking a token ends its family (RFC 7009)."""

from __future__ import annotations

import pytest

from models import Account, Consent
from services.container import Services
from services.errors import NotAuthenticated
from tests.oauth.conftest import MARKSHEET, OAuthError, RequesterApp

SCOPE = f"issued/{MARKSHEET}"


async def test_refreshing_gives_a_new_pair_and_retires_the_old_refresh_token(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    first = await iitm.tokens_for(meera, SCOPE)

    second = await iitm.refresh(first["refresh_token"])
    third = await iitm.refresh(second["refresh_token"])

    assert len({first["refresh_token"], second["refresh_token"]}) == 2
    assert len({first["access_token"], second["access_token"]}) == 2
    assert third["scope"] == second["scope"] == SCOPE
    assert third["consent_id"] == first["consent_id"]
    assert iitm.responses[-1].headers["cache-control"] == "no-store"
    access = await services.tokens.authenticate(third["access_token"])
    assert str(access.consent_id) == first["consent_id"]


async def test_a_rotated_refresh_token_used_again_revokes_the_whole_family(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    first = await iitm.tokens_for(meera, SCOPE)
    second = await iitm.refresh(first["refresh_token"])

    with pytest.raises(OAuthError) as replayed:
        await iitm.refresh(first["refresh_token"])

    assert replayed.value.error == "invalid_grant"
    with pytest.raises(NotAuthenticated):
        await services.tokens.authenticate(second["access_token"])
    with pytest.raises(OAuthError) as after:
        await iitm.refresh(second["refresh_token"])
    assert after.value.error == "invalid_grant"


async def test_a_refresh_token_cannot_outlive_its_consent(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    token = await iitm.tokens_for(meera, SCOPE)
    await services.consents.revoke(meera, token["consent_id"])

    with pytest.raises(OAuthError) as refused:
        await iitm.refresh(token["refresh_token"])

    assert refused.value.error == "invalid_grant"


async def test_one_requester_cannot_refresh_anothers_token(
    iitm: RequesterApp, passport_office: RequesterApp, meera: Account
) -> None:
    token = await iitm.tokens_for(meera, SCOPE)

    with pytest.raises(OAuthError) as refused:
        await passport_office.refresh(token["refresh_token"])

    assert refused.value.error == "invalid_grant"
    assert (await iitm.refresh(token["refresh_token"]))["access_token"]


@pytest.mark.parametrize("revoked", ["access_token", "refresh_token"])
async def test_revoking_either_token_ends_the_pair_and_its_family(
    iitm: RequesterApp, meera: Account, services: Services, revoked: str
) -> None:
    first = await iitm.tokens_for(meera, SCOPE)
    second = await iitm.refresh(first["refresh_token"])

    response = await iitm.revoke(second[revoked], hint=revoked)

    assert response.status_code == 200
    for access_token in (first["access_token"], second["access_token"]):
        with pytest.raises(NotAuthenticated):
            await services.tokens.authenticate(access_token)
    with pytest.raises(OAuthError):
        await iitm.refresh(second["refresh_token"])
    # The consent itself stands: the resident did not revoke it.
    assert (await Consent.get(id=first["consent_id"])).status == "active"


async def test_revoking_an_unknown_or_revoked_token_answers_200(
    iitm: RequesterApp, meera: Account
) -> None:
    token = await iitm.tokens_for(meera, SCOPE)
    await iitm.revoke(token["refresh_token"])

    again = await iitm.revoke(token["refresh_token"])
    unknown = await iitm.revoke("olat_never-issued-by-this-locker")
    not_ours = await iitm.revoke("some-other-servers-token")

    assert [again.status_code, unknown.status_code, not_ours.status_code] == [200] * 3


async def test_a_requester_cannot_revoke_anothers_token(
    iitm: RequesterApp,
    passport_office: RequesterApp,
    meera: Account,
    services: Services,
) -> None:
    token = await iitm.tokens_for(meera, SCOPE)

    response = await passport_office.revoke(token["access_token"])

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert await services.tokens.authenticate(token["access_token"])


async def test_revocation_needs_the_requesters_credentials(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    token = await iitm.tokens_for(meera, SCOPE)
    iitm.oauth.client_secret = "not-the-secret"

    response = await iitm.revoke(token["access_token"])

    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    assert await services.tokens.authenticate(token["access_token"])
