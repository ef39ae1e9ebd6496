"""GraphiQL is a development tool: served in development, never in production."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from app import create_app
from config.settings import Settings
from services.clock import FrozenClock
from services.container import build_services
from services.objects import MasterKey
from services.sms import MemorySmsSender

HTML = {"accept": "text/html"}


async def test_graphiql_is_served_in_development(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers=HTML)

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_graphiql_and_introspection_are_off_in_production(
    settings: Settings,
) -> None:
    production = settings.model_copy(
        update={
            "environment": "production",
            "secret_key": SecretStr("p" * 48),
            "aadhaar_key": SecretStr("cHJvZHVjdGlvbi1hYWRoYWFyLWtleS0zMi1ieXRlcyE="),
            "generate_issuer_keys": False,
            "generate_esign_ca": False,
            "master_key": SecretStr(MasterKey.generate().to_secret()),
            "sms_sender": "http",
            "sms_gateway_url": "https://sms.example.invalid/send",
        }
    )
    services = build_services(production, clock=FrozenClock(), sms=MemorySmsSender())
    app = create_app(production, services)
    transport = httpx.ASGITransport(app=app)

    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        page = await http.get("/graphql", headers=HTML)
        introspection = await http.post(
            "/graphql", json={"query": "{ __schema { types { name } } }"}
        )

    assert "graphiql" not in page.text.lower()
    assert "errors" in introspection.json()
