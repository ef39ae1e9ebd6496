"""The operator registers requesters over GraphQL, with the admin token only."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from joserfc.jwk import ECKey
from pydantic import SecretStr

from adapters.registry import AdapterRegistry
from app import create_app
from config.settings import Settings
from models import Requester
from services.clock import FrozenClock
from services.container import build_services
from services.requesters import RequesterRegistry
from services.sms import MemorySmsSender
from tests.api.conftest import Api

OPERATOR_TOKEN = "op-4f9c2a7e1b8d0c3f6a5e9d2b7c1f0a8e"

REGISTER_REQUESTER = """
mutation Register($input: RegisterRequesterInput!) {
  registerRequester(input: $input) {
    ... on RequesterRegistered {
      requester {
        clientId orgId name redirectUris purposes { code text } docTypes
        authMethod active
      }
      clientSecret
    }
    ... on Problem { code message field }
  }
}
"""

IITM = {
    "orgId": "iitm",
    "name": "Indian Institute of Technology Madras",
    "redirectUris": ["https://admissions.iitm.ac.in/locker/callback"],
    "purposes": [{"code": "ADMISSION", "text": "Verify Class XII marks for admission"}],
    "docTypes": ["HSCER"],
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings, with the admin API on."""
    return settings.model_copy(update={"admin_token": SecretStr(OPERATOR_TOKEN)})


@pytest.fixture
def operator(api: Api) -> Api:
    """The operator's client: the same server, the admin token."""
    return Api(app_transport=api.app_transport, sms=api.sms, token=OPERATOR_TOKEN)


async def register(api: Api, **changes: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api(REGISTER_REQUESTER, input={**IITM, **changes}))[
        "registerRequester"
    ]
    return result


async def test_the_operator_registers_a_requester_and_sees_its_secret_once(
    operator: Api, settings: Settings
) -> None:
    registered = await register(operator)

    requester = registered["requester"]
    assert requester == {
        "clientId": requester["clientId"],
        "orgId": "iitm",
        "name": "Indian Institute of Technology Madras",
        "redirectUris": ["https://admissions.iitm.ac.in/locker/callback"],
        "purposes": [
            {"code": "ADMISSION", "text": "Verify Class XII marks for admission"}
        ],
        "docTypes": ["HSCER"],
        "authMethod": "CLIENT_SECRET_BASIC",
        "active": True,
    }
    requesters = RequesterRegistry(
        settings.secret_key.get_secret_value(), AdapterRegistry.discover()
    )
    stored = await requesters.authenticate_secret(
        requester["clientId"], registered["clientSecret"]
    )
    assert stored.client_secret_hash != registered["clientSecret"]


async def test_the_operator_registers_a_requester_with_public_keys(
    operator: Api,
) -> None:
    public_key = ECKey.generate_key("P-256").as_dict(private=False)

    registered = await register(
        operator,
        orgId="passport-rpo-chennai",
        name="Regional Passport Office, Chennai",
        purposes=[
            {"code": "PASSPORT", "text": "Check the birth date on a Class X result"}
        ],
        docTypes=["SSCER"],
        jwks=json.dumps({"keys": [public_key]}),
    )

    assert registered["clientSecret"] is None
    assert registered["requester"]["authMethod"] == "PRIVATE_KEY_JWT"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        (
            {"redirectUris": ["https://admissions.iitm.ac.in/*"]},
            "INVALID_ARGUMENT",
            "redirectUris",
        ),
        ({"orgId": "IIT Madras"}, "INVALID_ARGUMENT", "orgId"),
        ({"docTypes": ["JEEADV"]}, "UNKNOWN_DOC_TYPE", "docTypes"),
        ({"jwks": '{"keys": ['}, "INVALID_ARGUMENT", "jwks"),
    ],
)
async def test_bad_input_is_a_problem_naming_the_field(
    operator: Api, changes: dict[str, Any], code: str, field: str
) -> None:
    refused = await register(operator, **changes)

    assert refused["code"] == code
    assert refused["field"] == field
    assert await Requester.all().count() == 0


async def test_an_org_id_taken_is_a_problem(operator: Api) -> None:
    await register(operator)

    again = await register(operator, name="IIT Madras")

    assert again["code"] == "INVALID_ARGUMENT"
    assert again["field"] == "orgId"


async def test_a_residents_session_token_cannot_register_a_requester(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    await api.new_resident("9810012345", "kavya")
    caplog.set_level(logging.WARNING, logger="resolvers.admin")

    refused = await register(api)

    assert refused["code"] == "NOT_AUTHENTICATED"
    assert await Requester.all().count() == 0
    assert "wrong token" in caplog.text
    assert api.token is not None
    assert api.token not in caplog.text


async def test_no_token_cannot_register_a_requester(api: Api) -> None:
    refused = await register(api)

    assert refused["code"] == "NOT_AUTHENTICATED"
    assert await Requester.all().count() == 0


async def test_a_token_one_character_off_cannot_register_a_requester(
    api: Api,
) -> None:
    api.token = OPERATOR_TOKEN[:-1] + "f"

    refused = await register(api)

    assert refused["code"] == "NOT_AUTHENTICATED"


async def test_with_the_admin_api_off_no_token_registers_a_requester(
    settings: Settings,
) -> None:
    off = settings.model_copy(update={"admin_token": None})
    app = create_app(
        off, build_services(off, clock=FrozenClock(), sms=MemorySmsSender())
    )

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        answers = [
            (
                await http.post(
                    "/graphql",
                    json={"query": REGISTER_REQUESTER, "variables": {"input": IITM}},
                    headers=headers,
                )
            ).json()["data"]["registerRequester"]
            for headers in ({"Authorization": f"Bearer {OPERATOR_TOKEN}"}, {})
        ]

    assert [answer["code"] for answer in answers] == ["NOT_AUTHENTICATED"] * 2


def test_production_refuses_a_short_admin_token(settings: Settings) -> None:
    short = settings.model_copy(update={"admin_token": SecretStr("letmein-2026")})

    assert "LOCKER_ADMIN_TOKEN is shorter than 32 characters" in (
        short.production_problems()
    )
    assert not any("ADMIN" in problem for problem in settings.production_problems())
