"""Token introspection (RFC 7662) and the server's metadata (RFC 8414, RFC 9207)."""

from __future__ import annotations

import httpx
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from authlib.oauth2.rfc9207 import AuthorizationServerMetadata as IssuerMetadata

from models import Account
from services.clock import FrozenClock
from services.container import Services
from tests.oauth.conftest import (
    BASE_URL,
    MARKSHEET,
    MEERA_LICENCE,
    ROHAN_LICENCE,
    RequesterApp,
)


async def test_a_requester_introspects_its_own_token(
    iitm: RequesterApp, meera: Account, clock: FrozenClock
) -> None:
    issued_at = int(clock.now().timestamp())
    token = await iitm.tokens_for(meera, f"issued/{MARKSHEET}")

    access = await iitm.introspect(token["access_token"])
    refresh = await iitm.introspect(token["refresh_token"])

    assert access == {
        "active": True,
        "scope": f"issued/{MARKSHEET}",
        "client_id": iitm.requester.client_id,
        "token_type": "Bearer",
        "exp": issued_at + 600,
        "iat": issued_at,
        "sub": access["sub"],
        "iss": BASE_URL,
        "consent_id": token["consent_id"],
    }
    assert refresh["active"] is True
    assert refresh["token_type"] == "refresh_token"
    assert refresh["sub"] == access["sub"]


async def test_the_subject_is_opaque_and_differs_per_requester(
    iitm: RequesterApp,
    passport_office: RequesterApp,
    meera: Account,
    rohan: Account,
) -> None:
    for_iitm = await iitm.tokens_for(meera, f"issued/{MARKSHEET}")
    again_for_iitm = await iitm.tokens_for(meera, f"issued/{MARKSHEET}")
    location, _ = await passport_office.approved(
        meera, f"issued/{MEERA_LICENCE}", purpose="PASSPORT"
    )
    for_passport = await passport_office.fetch_token(location)
    location, _ = await passport_office.approved(
        rohan, f"issued/{ROHAN_LICENCE}", purpose="PASSPORT"
    )
    rohans = await passport_office.fetch_token(location)

    meera_at_iitm = (await iitm.introspect(for_iitm["access_token"]))["sub"]
    meera_at_iitm_again = (await iitm.introspect(again_for_iitm["access_token"]))["sub"]
    meera_at_pune = (await passport_office.introspect(for_passport["access_token"]))[
        "sub"
    ]
    rohan_at_pune = (await passport_office.introspect(rohans["access_token"]))["sub"]

    assert meera_at_iitm == meera_at_iitm_again
    assert len({meera_at_iitm, meera_at_pune, rohan_at_pune}) == 3
    for subject in (meera_at_iitm, meera_at_pune):
        assert meera.mobile not in subject
        assert str(meera.id) not in subject
        assert meera.id.hex not in subject


async def test_another_requesters_token_is_inactive(
    iitm: RequesterApp, passport_office: RequesterApp, meera: Account
) -> None:
    token = await iitm.tokens_for(meera, f"issued/{MARKSHEET}")

    assert await passport_office.introspect(token["access_token"]) == {"active": False}
    assert await iitm.introspect(token["access_token"]) != {"active": False}


async def test_revoking_the_consent_deactivates_its_tokens_at_once(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    token = await iitm.tokens_for(meera, f"issued/{MARKSHEET}")

    await services.consents.revoke(meera, token["consent_id"])

    assert await iitm.introspect(token["access_token"]) == {"active": False}
    assert await iitm.introspect(token["refresh_token"]) == {"active": False}


async def test_expired_rotated_and_unknown_tokens_are_inactive(
    iitm: RequesterApp, meera: Account, clock: FrozenClock
) -> None:
    first = await iitm.tokens_for(meera, f"issued/{MARKSHEET}")
    second = await iitm.refresh(first["refresh_token"])

    rotated = await iitm.introspect(first["refresh_token"])
    unknown = await iitm.introspect("olat_not-a-token-of-this-locker")
    clock.advance(601)
    expired = await iitm.introspect(second["access_token"])
    refresh_still = await iitm.introspect(second["refresh_token"])

    assert rotated == unknown == expired == {"active": False}
    assert refresh_still["active"] is True


async def test_the_metadata_document_describes_the_server(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/.well-known/oauth-authorization-server")

    document = response.json()
    AuthorizationServerMetadata(document).validate(metadata_classes=[IssuerMetadata])
    assert document["issuer"] == BASE_URL
    assert document["authorization_endpoint"] == f"{BASE_URL}/oauth/authorize"
    assert document["token_endpoint"] == f"{BASE_URL}/oauth/token"
    assert document["revocation_endpoint"] == f"{BASE_URL}/oauth/revoke"
    assert document["introspection_endpoint"] == f"{BASE_URL}/oauth/introspect"
    assert document["response_types_supported"] == ["code"]
    assert document["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "private_key_jwt",
    ]
    assert document["authorization_response_iss_parameter_supported"] is True
    assert "doctype/HSCER" in document["scopes_supported"]
    assert document["scope_patterns"] == [
        "issued/{IssuerId-DocType-DocId}",
        "doctype/{DocType}",
    ]
