"""The page behind an https public URL: Secure cookies, and that origin only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from config.settings import Settings
from models import Account, Requester
from tests.consent_page.conftest import Browser, authorization

PUBLIC_URL = "https://locker.example.in"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_url": PUBLIC_URL})


@pytest.fixture
async def browser(client: httpx.AsyncClient) -> AsyncIterator[Browser]:
    """A browser reaching the server over https, as it keeps Secure cookies."""
    async with httpx.AsyncClient(
        transport=client._transport, base_url="https://testserver"
    ) as http:
        yield Browser(http)


async def test_cookies_are_secure_and_forms_must_come_from_the_public_origin(
    browser: Browser, rohan: Account, passport_office: Requester
) -> None:
    page = await browser.open(authorization())

    from_test_host = await browser.sign_in(page, "rohan")
    fields = [
        ("authorization", page.field("authorization")),
        ("csrf", page.field("csrf")),
        ("username", "rohan"),
        ("password", "kite-mango-lantern-42"),
    ]
    signed = await browser.post(
        "/oauth/authorize/sign-in", fields, headers={"origin": PUBLIC_URL}
    )

    assert "Secure" in page.response.headers["set-cookie"]
    assert from_test_host.status == 403
    assert signed.status == 303
    assert "Secure" in signed.response.headers["set-cookie"]
