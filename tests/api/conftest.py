"""A real GraphQL client (gql) talking to the app in process, and journey steps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXAsyncTransport

from demo import queries
from services.accounts import normalise_mobile
from services.sms import MemorySmsSender

SANDBOX = Path(__file__).parents[2] / "services" / "identity" / "sandbox_residents.json"
PASSWORD = "kite-mango-lantern-42"


def sandbox_resident(name: str) -> dict[str, Any]:
    """The sandbox eKYC fixture entry of the invented resident ``name``."""
    residents = json.loads(SANDBOX.read_text())["residents"]
    return next(resident for resident in residents if resident["name"] == name)


@dataclass
class Api:
    """Sends GraphQL documents through gql, as a frontend would."""

    app_transport: httpx.AsyncBaseTransport
    sms: MemorySmsSender
    token: str | None = None

    async def __call__(self, document: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        transport = HTTPXAsyncTransport(
            url="http://testserver/graphql",
            headers=headers,
            transport=self.app_transport,
        )
        async with Client(transport=transport) as session:
            request = GraphQLRequest(document, variable_values=variables)
            result: dict[str, Any] = await session.execute(request)
        return result

    async def sign_up(self, mobile: str, username: str) -> None:
        started = (await self(queries.START_SIGN_UP, mobile=mobile))["startSignUp"]
        otp = self.sms.last_otp(normalise_mobile(mobile))
        verified = await self(
            queries.VERIFY_SIGN_UP, challengeId=started["challengeId"], otp=otp
        )
        assert "challengeId" in verified["verifySignUp"], verified
        done = await self(
            queries.COMPLETE_SIGN_UP,
            challengeId=started["challengeId"],
            username=username,
            password=PASSWORD,
        )
        assert done["completeSignUp"] == {"username": username}, done

    async def log_in(self, identifier: str, password: str = PASSWORD) -> None:
        result = (await self(queries.LOG_IN, identifier=identifier, password=password))[
            "logIn"
        ]
        assert "token" in result, result
        self.token = result["token"]

    async def link_aadhaar(self, resident_name: str) -> dict[str, Any]:
        resident = sandbox_resident(resident_name)
        started = (await self(queries.START_AADHAAR_LINK, aadhaar=resident["aadhaar"]))[
            "startAadhaarLink"
        ]
        assert "transactionId" in started, started
        otp = self.sms.last_otp(resident["mobile"])
        linked = (
            await self(
                queries.CONFIRM_AADHAAR_LINK,
                transactionId=started["transactionId"],
                otp=otp,
            )
        )["confirmAadhaarLink"]
        assert "resident" in linked, linked
        result: dict[str, Any] = linked["resident"]
        return result

    async def new_resident(
        self, mobile: str, username: str, aadhaar_of: str | None = None
    ) -> None:
        """Sign up, sign in and, when named, link a sandbox resident's Aadhaar."""
        await self.sign_up(mobile, username)
        await self.log_in(username)
        if aadhaar_of is not None:
            await self.link_aadhaar(aadhaar_of)

    async def pull(
        self, issuer_id: str, doc_type: str, **lookup: str
    ) -> dict[str, Any]:
        result: dict[str, Any] = (
            await self(
                queries.PULL_DOCUMENT,
                issuerId=issuer_id,
                docType=doc_type,
                lookup=[{"name": k, "value": v} for k, v in lookup.items()],
            )
        )["pullDocument"]
        return result


@pytest.fixture
def api(client: httpx.AsyncClient, sms: MemorySmsSender) -> Api:
    return Api(app_transport=client._transport, sms=sms)


@pytest.fixture
def other_api(api: Api) -> Api:
    """A second browser: another resident on the same server."""
    return Api(app_transport=api.app_transport, sms=api.sms)
