"""A requester that signs client assertions (``private_key_jwt``, RFC 7523)."""

from __future__ import annotations

import time

import pytest
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc.jwk import ECKey

from models import Account
from tests.oauth.conftest import (
    MEERA_LICENCE,
    PASSPORT,
    PASSPORT_CALLBACK,
    TOKEN_URL,
    MakeApp,
    OAuthError,
    RequesterApp,
)

SCOPE = f"issued/{MEERA_LICENCE}"


@pytest.fixture
def pune_key() -> ECKey:
    """The passport office's own signing key; the locker sees only its public half."""
    return ECKey.generate_key("P-256", auto_kid=True)


@pytest.fixture
async def passport_office(requester_app: MakeApp, pune_key: ECKey) -> RequesterApp:
    return await requester_app(
        "passport-pune",
        name="Regional Passport Office, Pune",
        redirect_uris=(PASSPORT_CALLBACK,),
        purposes=(PASSPORT,),
        doc_types=("DRVLC", "PANCR"),
        key=pune_key,
    )


def sign_with(app: RequesterApp, auth: PrivateKeyJWT) -> None:
    """Make ``app`` sign its next assertions with ``auth``."""
    app.oauth.register_client_auth_method(auth)


async def test_a_requester_with_keys_exchanges_refreshes_and_revokes(
    passport_office: RequesterApp, meera: Account
) -> None:
    location, _ = await passport_office.approved(meera, SCOPE, purpose="PASSPORT")

    token = await passport_office.fetch_token(location)
    refreshed = await passport_office.refresh(token["refresh_token"])
    seen = await passport_office.introspect(refreshed["access_token"])
    revoked = await passport_office.revoke(refreshed["refresh_token"])

    assert passport_office.requester.auth_method == "private_key_jwt"
    assert token["scope"] == refreshed["scope"] == SCOPE
    assert seen["active"] is True
    assert seen["client_id"] == passport_office.requester.client_id
    assert revoked.status_code == 200
    assert await passport_office.introspect(refreshed["access_token"]) == {
        "active": False
    }


async def test_an_assertion_is_accepted_once(
    passport_office: RequesterApp, meera: Account
) -> None:
    location, _ = await passport_office.approved(meera, SCOPE, purpose="PASSPORT")
    token = await passport_office.fetch_token(location)
    # authlib signs every assertion with this same jti: a replay each time.
    sign_with(
        passport_office,
        PrivateKeyJWT(TOKEN_URL, claims={"jti": "pune-assertion-0001"}, alg="ES256"),
    )

    await passport_office.introspect(token["access_token"])
    with pytest.raises(OAuthError) as refused:
        await passport_office.refresh(token["refresh_token"])

    assert refused.value.error == "invalid_client"


@pytest.mark.parametrize(
    "auth",
    [
        PrivateKeyJWT("https://elsewhere.example.in/oauth/token", alg="ES256"),
        PrivateKeyJWT(TOKEN_URL, claims={"exp": int(time.time()) + 7200}, alg="ES256"),
        PrivateKeyJWT(TOKEN_URL, claims={"exp": int(time.time()) - 300}, alg="ES256"),
    ],
    ids=["another-audience", "valid-for-two-hours", "expired"],
)
async def test_assertions_for_elsewhere_or_out_of_time_are_refused(
    passport_office: RequesterApp, meera: Account, auth: PrivateKeyJWT
) -> None:
    location, _ = await passport_office.approved(meera, SCOPE, purpose="PASSPORT")
    sign_with(passport_office, auth)

    with pytest.raises(OAuthError) as refused:
        await passport_office.fetch_token(location)

    assert refused.value.error == "invalid_client"


async def test_an_assertion_signed_with_another_key_is_refused(
    passport_office: RequesterApp, meera: Account
) -> None:
    location, _ = await passport_office.approved(meera, SCOPE, purpose="PASSPORT")
    passport_office.oauth.client_secret = ECKey.generate_key("P-256", auto_kid=True)

    with pytest.raises(OAuthError) as refused:
        await passport_office.fetch_token(location)

    assert refused.value.error == "invalid_client"


async def test_each_requester_authenticates_only_as_it_registered(
    passport_office: RequesterApp, iitm: RequesterApp, meera: Account
) -> None:
    pune_location, _ = await passport_office.approved(meera, SCOPE, purpose="PASSPORT")
    iitm_location, _ = await iitm.approved(meera, "doctype/HSCER", purpose="ADMISSION")
    # IIT Madras signs an assertion with a key it never registered.
    iitm_key = ECKey.generate_key("P-256", auto_kid=True)
    iitm.oauth.client_secret = iitm_key
    iitm.oauth.token_endpoint_auth_method = "private_key_jwt"
    sign_with(iitm, PrivateKeyJWT(TOKEN_URL, alg="ES256"))
    # The passport office presents a client secret it was never given.
    passport_office.oauth.client_secret = "guessed-secret"
    passport_office.oauth.token_endpoint_auth_method = "client_secret_basic"

    with pytest.raises(OAuthError) as iitm_refused:
        await iitm.fetch_token(iitm_location)
    with pytest.raises(OAuthError) as pune_refused:
        await passport_office.fetch_token(pune_location)

    assert iitm_refused.value.error == pune_refused.value.error == "invalid_client"
