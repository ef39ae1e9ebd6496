"""What the consent page gets from the server: valid requests, refusals, decisions."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from models import Account
from services.container import Services
from services.oauth.authorize import (
    AuthorizationPageError,
    AuthorizationRedirectError,
)
from tests.oauth.conftest import (
    ADMISSION,
    CLASS_X,
    IITM_CALLBACK,
    MARKSHEET,
    MEERA_LICENCE,
    RequesterApp,
    query_of,
)

SCOPE = f"issued/{MARKSHEET} doctype/SSCER"


async def test_a_valid_request_is_read_with_its_defaults(
    iitm: RequesterApp, services: Services
) -> None:
    params = iitm.authorization_params(SCOPE, purpose="ADMISSION", max_reads="3")

    request = await services.oauth.validate_authorization_request(params)

    assert request.requester.id == iitm.requester.id
    assert request.redirect_uri == IITM_CALLBACK
    assert request.state == params["state"]
    assert request.code_challenge == params["code_challenge"]
    assert (request.purpose_code, request.purpose_text) == ("ADMISSION", ADMISSION.text)
    assert request.uris == (MARKSHEET,)
    assert request.doc_types == ("SSCER",)
    assert request.forms == ("metadata", "xml", "pdf")
    assert request.valid_for == timedelta(days=30)
    assert request.max_reads == 3
    assert request.scope == SCOPE


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"client_id": "rq_nobody"}, "does not know"),
        ({"client_id": None}, "does not know"),
        ({"redirect_uri": None}, "names no redirect_uri"),
        ({"redirect_uri": IITM_CALLBACK + "/"}, "not one the application registered"),
        (
            {"redirect_uri": "https://evil.example.com/callback", "scope": "nonsense"},
            "not one the application registered",
        ),
    ],
    ids=[
        "unknown-client",
        "no-client",
        "no-redirect-uri",
        "unregistered-redirect-uri",
        "unregistered-redirect-uri-and-bad-scope",
    ],
)
async def test_requests_that_cannot_be_sent_back_show_an_error_page(
    iitm: RequesterApp,
    services: Services,
    changes: dict[str, str | None],
    message: str,
) -> None:
    params = iitm.authorization_params(SCOPE, purpose="ADMISSION")
    for name, value in changes.items():
        if value is None:
            del params[name]
        else:
            params[name] = value

    with pytest.raises(AuthorizationPageError) as refused:
        await services.oauth.validate_authorization_request(params)

    assert message in refused.value.message


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"scope": ""}, "invalid_scope"),
        ({"scope": "openid profile"}, "invalid_scope"),
        ({"scope": "issued/not-a-uri"}, "invalid_scope"),
        ({"scope": f"issued/{MEERA_LICENCE}"}, "invalid_scope"),
        ({"scope": "doctype/DRVLC"}, "invalid_scope"),
        ({"purpose": None}, "invalid_request"),
        ({"purpose": "MARKETING"}, "invalid_request"),
        ({"forms": "pdf photocopy"}, "invalid_request"),
        ({"forms": ""}, "invalid_request"),
        ({"valid_for_days": "366"}, "invalid_request"),
        ({"valid_for_days": "0"}, "invalid_request"),
        ({"valid_for_days": "thirty"}, "invalid_request"),
        ({"max_reads": "0"}, "invalid_request"),
        ({"max_reads": "-1"}, "invalid_request"),
    ],
    ids=[
        "implicit",
        "no-pkce",
        "pkce-plain",
        "pkce-method-left-to-default",
        "empty-scope",
        "foreign-scope",
        "scope-not-a-uri",
        "licence-not-declared",
        "doctype-not-declared",
        "no-purpose",
        "undeclared-purpose",
        "unknown-form",
        "no-form",
        "too-long",
        "no-time",
        "days-not-a-number",
        "no-reads",
        "negative-reads",
    ],
)
async def test_other_faults_go_back_to_the_requester_with_state_and_issuer(
    iitm: RequesterApp,
    services: Services,
    changes: dict[str, str | None],
    error: str,
) -> None:
    params = iitm.authorization_params(SCOPE, purpose="ADMISSION")
    for name, value in changes.items():
        if value is None:
            del params[name]
        else:
            params[name] = value

    with pytest.raises(AuthorizationRedirectError) as refused:
        await services.oauth.validate_authorization_request(params)

    location = refused.value.location
    assert location.startswith(IITM_CALLBACK + "?")
    answer = query_of(location)
    assert answer["error"] == error
    assert answer["error_description"]
    assert answer["state"] == params["state"]
    assert answer["iss"] == "http://testserver"


async def test_a_request_without_state_is_refused_back_to_the_requester(
    iitm: RequesterApp, services: Services
) -> None:
    params = iitm.authorization_params(SCOPE, purpose="ADMISSION")
    del params["state"]

    with pytest.raises(AuthorizationRedirectError) as refused:
        await services.oauth.validate_authorization_request(params)

    answer = query_of(refused.value.location)
    assert answer["error"] == "invalid_request"
    assert "state" not in answer
    assert answer["iss"] == "http://testserver"


async def test_a_deactivated_requester_gets_an_error_page(
    iitm: RequesterApp, services: Services
) -> None:
    params = iitm.authorization_params(SCOPE, purpose="ADMISSION")
    await services.requesters.deactivate(iitm.requester.client_id or "")

    with pytest.raises(AuthorizationPageError):
        await services.oauth.validate_authorization_request(params)


async def test_a_denial_goes_back_with_access_denied(
    iitm: RequesterApp, services: Services
) -> None:
    params = iitm.authorization_params(SCOPE, purpose="ADMISSION")
    request = await services.oauth.validate_authorization_request(params)

    location = services.oauth.deny(request)

    assert location.startswith(IITM_CALLBACK + "?")
    answer = query_of(location)
    assert answer["error"] == "access_denied"
    assert answer["state"] == params["state"]
    assert answer["iss"] == "http://testserver"
    assert "code" not in answer


async def test_approval_refuses_a_consent_wider_than_the_request(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    params = iitm.authorization_params(
        f"issued/{MARKSHEET}", purpose="ADMISSION", forms="metadata"
    )
    request = await services.oauth.validate_authorization_request(params)
    wider = await services.consents.grant(
        meera,
        request.requester,
        purpose_code="ADMISSION",
        documents=[(MARKSHEET, ["metadata"]), (CLASS_X, ["metadata"])],
        valid_for=request.valid_for,
        max_reads=None,
    )
    other_form = await services.consents.grant(
        meera,
        request.requester,
        purpose_code="ADMISSION",
        documents=[(MARKSHEET, ["pdf"])],
        valid_for=request.valid_for,
        max_reads=None,
    )

    for consent in (wider, other_form):
        with pytest.raises(ValueError, match="did not ask for"):
            await services.oauth.approve(request, account=meera, consent=consent)


async def test_approval_rechecks_the_requester(
    iitm: RequesterApp, meera: Account, services: Services
) -> None:
    params = iitm.authorization_params(f"issued/{MARKSHEET}", purpose="ADMISSION")
    request = await services.oauth.validate_authorization_request(params)
    consent = await services.consents.grant(
        meera,
        request.requester,
        purpose_code="ADMISSION",
        documents=[(MARKSHEET, request.forms)],
        valid_for=request.valid_for,
        max_reads=None,
    )
    await services.requesters.deactivate(iitm.requester.client_id or "")

    with pytest.raises(AuthorizationPageError):
        await services.oauth.approve(request, account=meera, consent=consent)


async def test_oauth_over_plain_http_is_refused_outside_loopback(
    iitm: RequesterApp,
    services: Services,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    params = iitm.authorization_params(SCOPE, purpose="ADMISSION")
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT")

    with pytest.raises(AuthorizationPageError) as refused:
        await services.oauth.validate_authorization_request(params)
    token = await client.post(
        "/oauth/token", data={"grant_type": "authorization_code", "code": "x"}
    )

    assert "https" in refused.value.message
    assert (token.status_code, token.json()["error"]) == (400, "insecure_transport")
